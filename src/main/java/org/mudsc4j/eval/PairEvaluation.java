package org.mudsc4j.eval;

import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.mudsc4j.data.SplitPair;
import org.mudsc4j.dl4j.FastForward;
import org.mudsc4j.train.ClassEmbeddings;
import org.mudsc4j.train.CosineHeadLoss;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * The paper's metrics for a pair of tasks (ALGORITHM §3.3) over the union test set, labels given as global one-hot
 * rows: Joint (argmax over both tasks' classes), Task A / Task B (argmax within the ground-truth class's task), Avg.
 * Networks run in inference mode.
 */
public final class PairEvaluation {
    private PairEvaluation() {
    }

    /** Metrics of one network (a merged model, or one task model evaluated on both tasks). */
    public static Accuracies evaluate(ComputationGraph graph, DataSetIterator batches, ClassEmbeddings embeddings,
                                      SplitPair pair) {
        TaskAccuracy acc = new TaskAccuracy(new EmbeddingClassifier(embeddings),
                List.of(pair.first().classes(), pair.second().classes()));
        try (FastForward net = FastForward.of(graph)) {
            while (batches.hasNext()) {
                DataSet batch = batches.next();
                acc.add(net.output(batch.getFeatures()), globalLabels(batch));
            }
        }
        return acc.accuracies();
    }

    /** The rows every pair's table starts with: each task model alone and the two side by side. */
    public record Bases(Accuracies modelA, Accuracies modelB, Accuracies ensemble) {
    }

    /**
     * Metrics of model A alone, model B alone and their ensemble, from one pass of each model over the data (the
     * ensemble reuses both models' outputs instead of running them again). Ensemble: model A scores task A's classes
     * and model B task B's, each as {@code softmax(100·cos)} over its own classes (the reference's ensemble branch);
     * the Joint prediction is the argmax over the concatenated probabilities, the task prediction is the argmax of
     * that task's own model.
     */
    public static Bases evaluateBases(ComputationGraph modelA, ComputationGraph modelB, DataSetIterator batches,
                                      ClassEmbeddings embeddings, SplitPair pair) {
        EmbeddingClassifier classifier = new EmbeddingClassifier(embeddings);
        List<int[]> tasks = List.of(pair.first().classes(), pair.second().classes());
        TaskAccuracy alone0 = new TaskAccuracy(classifier, tasks);
        TaskAccuracy alone1 = new TaskAccuracy(classifier, tasks);
        int[] classesA = pair.first().classes();
        int[] classesB = pair.second().classes();
        AccuracyCounter joint = new AccuracyCounter();
        AccuracyCounter taskA = new AccuracyCounter();
        AccuracyCounter taskB = new AccuracyCounter();
        try (FastForward netA = FastForward.of(modelA); FastForward netB = FastForward.of(modelB)) {
            while (batches.hasNext()) {
                DataSet batch = batches.next();
                int[] labels = globalLabels(batch);
                INDArray outA = netA.output(batch.getFeatures());
                INDArray outB = netB.output(batch.getFeatures());
                alone0.add(outA, labels);
                alone1.add(outB, labels);
                float[][] simA = classifier.similarities(outA, classesA);
                float[][] simB = classifier.similarities(outB, classesB);
                for (int i = 0; i < labels.length; i++) {
                    double[] pa = softmax(simA[i], CosineHeadLoss.DEFAULT_SCALE);
                    double[] pb = softmax(simB[i], CosineHeadLoss.DEFAULT_SCALE);
                    joint.add(ensembleJoint(pa, pb, classesA, classesB) == labels[i]);
                    if (pair.first().contains(labels[i])) {
                        taskA.add(classesA[argmax(pa)] == labels[i]);
                    } else if (pair.second().contains(labels[i])) {
                        taskB.add(classesB[argmax(pb)] == labels[i]);
                    } else {
                        throw new IllegalArgumentException("label " + labels[i] + " belongs to neither task of "
                                + pair);
                    }
                }
            }
        }
        return new Bases(alone0.accuracies(), alone1.accuracies(),
                Accuracies.of(joint.accuracy(), taskA.accuracy(), taskB.accuracy()));
    }

    /** Global class of the largest probability over the concatenation [task A | task B] (first maximum wins). */
    static int ensembleJoint(double[] probsA, double[] probsB, int[] classesA, int[] classesB) {
        int a = argmax(probsA);
        int b = argmax(probsB);
        return probsB[b] > probsA[a] ? classesB[b] : classesA[a];
    }

    static double[] softmax(float[] cosines, double scale) {
        double max = Double.NEGATIVE_INFINITY;
        for (float c : cosines) {
            max = Math.max(max, scale * c);
        }
        double[] p = new double[cosines.length];
        double sum = 0;
        for (int k = 0; k < p.length; k++) {
            p[k] = Math.exp(scale * cosines[k] - max);
            sum += p[k];
        }
        for (int k = 0; k < p.length; k++) {
            p[k] /= sum;
        }
        return p;
    }

    private static int argmax(double[] v) {
        int best = 0;
        for (int k = 1; k < v.length; k++) {
            if (v[k] > v[best]) {
                best = k;
            }
        }
        return best;
    }

    private static int[] globalLabels(DataSet batch) {
        INDArray labels = batch.getLabels();
        if (labels == null || labels.rank() != 2) {
            throw new IllegalArgumentException("expected global one-hot labels [B, numClasses]");
        }
        return labels.argMax(1).toIntVector();
    }
}

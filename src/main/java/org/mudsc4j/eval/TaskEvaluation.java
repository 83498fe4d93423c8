package org.mudsc4j.eval;

import org.mudsc4j.dl4j.FastForward;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.mudsc4j.train.ClassEmbeddings;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

import java.util.Arrays;

/** Runs a network over a data set and scores its embeddings. */
public final class TaskEvaluation {
    private TaskEvaluation() {
    }

    /**
     * Task accuracy of a single-task model: for each image, the most similar class among {@code taskClasses}
     * (global ids, split order) must be the image's class. Labels are task-local one-hot {@code [B, K]} with
     * {@code K = taskClasses.length}, as the training data delivers them. The graph runs in inference mode.
     */
    public static double taskAccuracy(ComputationGraph graph, DataSetIterator batches, ClassEmbeddings embeddings,
                                      int[] taskClasses) {
        EmbeddingClassifier classifier = new EmbeddingClassifier(embeddings);
        AccuracyCounter counter = new AccuracyCounter();
        try (FastForward net = FastForward.of(graph)) {
            while (batches.hasNext()) {
                DataSet batch = batches.next();
                INDArray labels = batch.getLabels();
                if (labels.rank() != 2 || labels.size(1) != taskClasses.length) {
                    throw new IllegalArgumentException("Expected task-local one-hot labels [B, " + taskClasses.length
                            + "], got " + Arrays.toString(labels.shape()));
                }
                INDArray out = net.output(batch.getFeatures());
                int[] predicted = classifier.predictLocal(out, taskClasses);
                int[] truth = labels.argMax(1).toIntVector();
                counter.add(predicted, truth);
            }
        }
        return counter.accuracy();
    }
}

package org.mudsc4j.eval.landscape;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.mudsc4j.train.ClassEmbeddings;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Test loss and accuracy of one network on both binary tasks at once (one forward pass): cross-entropy of
 * {@code 100·cos(f(x), T_task)} over the task's two class embeddings, as the models were trained.
 */
final class TaskLoss {
    private final INDArray x;
    private final int[][] labels;
    private final INDArray[] taskEmbeddings;
    private final double scale;

    /** @param labels labels[t][i] = image i's class in task t's local order (0 or 1) */
    TaskLoss(INDArray x, int[][] labels, ClassEmbeddings embeddings, double scale) {
        this.x = x;
        this.labels = labels;
        this.taskEmbeddings = new INDArray[] {embeddings.rows(BinaryTasks.TASK_A.classes()),
                embeddings.rows(BinaryTasks.TASK_B.classes())};
        this.scale = scale;
    }

    /** {lossA, lossB, accA, accB}. */
    double[] evaluate(ComputationGraph graph) {
        INDArray e = graph.outputSingle(false, x);
        INDArray unit = e.divColumnVector(e.norm2(1).addi(1e-12).reshape(e.size(0), 1));
        double[] out = new double[4];
        for (int t = 0; t < 2; t++) {
            INDArray logits = unit.mmul(taskEmbeddings[t].transpose()).muli(scale);
            INDArray logSoftmax = logits.subColumnVector(Transforms.log(Transforms.exp(
                    logits.subColumnVector(logits.max(1).reshape(logits.size(0), 1)), false).sum(1), false)
                    .reshape(logits.size(0), 1).addi(logits.max(1).reshape(logits.size(0), 1)));
            double loss = 0;
            int correct = 0;
            int[] predicted = logits.argMax(1).toIntVector();
            for (int i = 0; i < labels[t].length; i++) {
                loss -= logSoftmax.getDouble(i, labels[t][i]);
                correct += predicted[i] == labels[t][i] ? 1 : 0;
            }
            out[t] = loss / labels[t].length;
            out[2 + t] = (double) correct / labels[t].length;
        }
        return out;
    }
}

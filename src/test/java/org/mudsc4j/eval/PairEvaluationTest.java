package org.mudsc4j.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.mudsc4j.data.ClassSplit;
import org.mudsc4j.data.SplitPair;
import org.mudsc4j.train.ClassEmbeddings;
import org.mudsc4j.zoo.ModelSpec;
import org.mudsc4j.zoo.ModelZoo;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

class PairEvaluationTest {

    /**
     * The base rows from one pass per model equal the single-model evaluations, and the ensemble's task accuracies
     * are those of each task's own model (it predicts a task's classes with that task's model).
     */
    @Test
    void basesFromOnePassMatchTheSingleModelEvaluations() {
        ModelSpec spec = ModelSpec.parse("resnet20x1@1x8x8");
        ComputationGraph a = ModelZoo.build(spec, 1);
        ComputationGraph b = ModelZoo.build(spec, 2);
        ClassEmbeddings embeddings = ClassEmbeddings.seeded(10, spec.embedDim(), 0);
        SplitPair pair = new SplitPair(new ClassSplit(new int[] {0, 2, 4, 6, 8}, 10),
                new ClassSplit(new int[] {1, 3, 5, 7, 9}, 10));
        Nd4j.getRandom().setSeed(11);
        List<DataSet> batches = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            int n = 20 + k;
            DataSet d = new DataSet(Nd4j.randn(DataType.FLOAT, n, 1, 8, 8), Nd4j.zeros(DataType.FLOAT, n, 10));
            for (int i = 0; i < n; i++) {
                d.getLabels().putScalar(i, (i * 7 + k) % 10, 1.0);
            }
            batches.add(d);
        }
        PairEvaluation.Bases bases = PairEvaluation.evaluateBases(a, b, new ExistingDataSetIterator(batches),
                embeddings, pair);
        assertEquals(PairEvaluation.evaluate(a, new ExistingDataSetIterator(batches), embeddings, pair), bases.modelA());
        assertEquals(PairEvaluation.evaluate(b, new ExistingDataSetIterator(batches), embeddings, pair), bases.modelB());
        assertEquals(bases.modelA().taskA(), bases.ensemble().taskA(), 0.0);
        assertEquals(bases.modelB().taskB(), bases.ensemble().taskB(), 0.0);
    }

    @Test
    void ensembleJointTakesTheMoreConfidentTaskModel() {
        int[] a = {6, 7, 3};
        int[] b = {2, 8, 4};
        assertEquals(7, PairEvaluation.ensembleJoint(new double[] {0.1, 0.8, 0.1}, new double[] {0.5, 0.3, 0.2}, a, b));
        assertEquals(2, PairEvaluation.ensembleJoint(new double[] {0.4, 0.3, 0.3}, new double[] {0.9, 0.05, 0.05}, a, b));
        assertEquals(6, PairEvaluation.ensembleJoint(new double[] {0.5, 0.5, 0}, new double[] {0.5, 0.5, 0}, a, b),
                "ties go to the first entry of the concatenation");
    }

    @Test
    void softmaxOfScaledCosines() {
        double[] p = PairEvaluation.softmax(new float[] {0.1f, 0.0f}, 100);
        assertEquals(1 / (1 + Math.exp(-10)), p[0], 1e-6);
        assertArrayEquals(new double[] {0.5, 0.5}, PairEvaluation.softmax(new float[] {0.3f, 0.3f}, 100), 1e-12);
    }
}

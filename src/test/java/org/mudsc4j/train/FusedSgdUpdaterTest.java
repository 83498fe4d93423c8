package org.mudsc4j.train;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.mudsc4j.zoo.ModelSpec;
import org.mudsc4j.zoo.ModelZoo;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FusedSgdUpdaterTest {
    /**
     * Three steps of a float ResNet (BatchNorm: decayed γ/β, undecayed running statistics, NoOp blocks between) with
     * the fused updater give DL4J's updater's parameters and momentum state, to float rounding.
     */
    @Test
    void fusedStepsMatchDl4jUpdater() {
        CosineHeadLoss head = CosineHeadLoss.forTask(ClassEmbeddings.seeded(10, 0), new int[] {0, 1, 2, 3, 4}, 100);
        ComputationGraph zoo = ModelZoo.build(ModelSpec.parse("resnet20x1@3x8x8"), 3, head);
        TrainConfig cfg = TrainConfig.of(4, 8, 0.4, 0);
        ComputationGraph stock = TrainingRecipe.impose(zoo, cfg, 1);
        ComputationGraph fused = TrainingRecipe.impose(zoo, cfg, 1);
        FusedSgdUpdater.install(fused);
        FusedSgdUpdater updater = assertInstanceOf(FusedSgdUpdater.class, fused.getUpdater());
        assertTrue(updater.fused(), "the recipe's configuration must take the fused path");
        assertFalse(stock.getUpdater() instanceof FusedSgdUpdater);
        for (int step = 0; step < 3; step++) {
            DataSet batch = batch(20 + step);
            stock.fit(batch);
            fused.fit(batch);
        }
        assertTrue(stock.getIterationCount() == 3 && fused.getIterationCount() == 3);
        assertEquals(3, updater.fusedUpdates(), "updates on the fused path");
        assertClose(stock.params(), fused.params(), "parameters");
        assertClose(stock.getUpdater().getStateViewArray(), fused.getUpdater().getStateViewArray(), "momentum");
        assertTrue(stock.params().sub(zoo.params()).amaxNumber().doubleValue() > 1e-3, "training did not move");
    }

    @Test
    void perParameterStepDividesThenAddsDecay() {
        java.nio.FloatBuffer g = java.nio.FloatBuffer.wrap(new float[] {8f, -4f, 2f});
        java.nio.FloatBuffer w = java.nio.FloatBuffer.wrap(new float[] {1f, 2f, -10f});
        FusedSgdUpdater.applyPerParameter(g, w, 3, 4f, 0.5f);
        assertEquals(2.5f, g.get(0));
        assertEquals(0f, g.get(1));
        assertEquals(-4.5f, g.get(2));
    }

    private static void assertClose(INDArray expected, INDArray actual, String what) {
        double scale = Math.max(expected.amaxNumber().doubleValue(), 1e-6);
        double diff = expected.sub(actual).amaxNumber().doubleValue() / scale;
        assertTrue(diff < 1e-6, what + ": relative max difference " + diff);
    }

    private static DataSet batch(long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.randn(DataType.FLOAT, 8, 3, 8, 8);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 8, 5);
        for (int i = 0; i < 8; i++) {
            y.putScalar(i, i % 5, 1f);
        }
        return new DataSet(x, y);
    }
}

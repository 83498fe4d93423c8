package org.mudsc4j.dl4j;

import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.mudsc4j.train.ClassEmbeddings;
import org.mudsc4j.train.CosineHeadLoss;
import org.mudsc4j.train.TrainConfig;
import org.mudsc4j.train.TrainingRecipe;
import org.mudsc4j.zoo.ModelSpec;
import org.mudsc4j.zoo.ModelZoo;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.regularization.Regularization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class L2ScoreTest {
    /** The training path's regularisation score is Σ ½·λ·‖w‖² over exactly the decayed parameters. */
    @Test
    void scoreIsHalfLambdaSquaredNormOverDecayedParameters() {
        CosineHeadLoss head = CosineHeadLoss.forTask(ClassEmbeddings.seeded(10, 0), new int[] {0, 1, 2, 3, 4}, 100);
        TrainConfig cfg = TrainConfig.of(4, 8, 0.1, 0);
        ComputationGraph net = TrainingRecipe.impose(ModelZoo.build(ModelSpec.parse("resnet20x1@3x8x8"), 2, head),
                cfg, 1);
        double expected = 0;
        int decayed = 0;
        for (Layer layer : net.getLayers()) {
            for (Map.Entry<String, INDArray> e : layer.paramTable().entrySet()) {
                List<Regularization> regs = layer.conf().getLayer().getRegularizationByParam(e.getKey());
                if (regs != null && !regs.isEmpty()) {
                    double n = e.getValue().norm2Number().doubleValue();
                    expected += 0.5 * cfg.weightDecay() * n * n;
                    decayed++;
                }
            }
        }
        assertEquals(21 + 2 * 21 + 2, decayed, "conv weights, BatchNorm γ/β, linear weight and bias");
        long direct = java.util.Arrays.stream(net.getLayers())
                .filter(l -> l instanceof DirectBackpropConvolution.Runtime || l instanceof DirectBatchNormLayer)
                .peek(l -> assertTrue(Double.isFinite(L2Score.of((org.deeplearning4j.nn.layers.BaseLayer<?>) l)),
                        l.conf().getLayer().getLayerName() + " left the Java score path"))
                .count();
        assertEquals(42, direct, "convolutions and BatchNorms on the training path");
        double actual = net.calcRegularizationScore(true);
        assertTrue(actual > 0);
        assertEquals(expected, actual, 1e-6 * expected);
    }
}

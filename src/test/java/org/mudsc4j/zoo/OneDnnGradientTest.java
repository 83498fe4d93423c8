package org.mudsc4j.zoo;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.junit.jupiter.api.Test;
import org.mudsc4j.train.ClassEmbeddings;
import org.mudsc4j.train.CosineHeadLoss;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.lang.reflect.Field;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The revived oneDNN helpers only run in float32, so the double-precision gradient checks never exercise them:
 * this compares float training gradients (conv + BatchNorm helpers on) with DL4J's built-in path (helpers
 * removed) on the same parameters and batch.
 */
class OneDnnGradientTest {
    @Test
    void helperGradientsMatchBuiltInPath() throws Exception {
        ModelSpec spec = ModelSpec.parse("resnet20x1@3x8x8");
        CosineHeadLoss head = CosineHeadLoss.forTask(ClassEmbeddings.seeded(10, 0), new int[] {0, 1, 2, 3, 4}, 100);
        ComputationGraph helped = ModelZoo.build(spec, 3, head);
        ComputationGraph plain = new ComputationGraph(helped.getConfiguration().clone());
        plain.init(helped.params().dup(), false);

        Nd4j.getRandom().setSeed(11);
        INDArray x = Nd4j.randn(DataType.FLOAT, 8, 3, 8, 8);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 8, 5);
        for (int i = 0; i < 8; i++) {
            y.putScalar(i, i % 5, 1f);
        }
        Map<String, INDArray> g1 = gradients(helped, x, y);
        int removed = removeHelpers(plain);
        assertTrue(removed > 20, "removed only " + removed + " helpers");
        Map<String, INDArray> g2 = gradients(plain, x, y);
        assertEquals(g1.keySet(), g2.keySet());
        for (String k : g1.keySet()) {
            double scale = Math.max(g1.get(k).amaxNumber().doubleValue(), 1e-6);
            double diff = g1.get(k).sub(g2.get(k)).amaxNumber().doubleValue() / scale;
            assertTrue(diff < 1e-3, k + ": relative max difference " + diff);
        }
    }

    private static Map<String, INDArray> gradients(ComputationGraph g, INDArray x, INDArray y) {
        g.setInputs(x);
        g.setLabels(y);
        g.computeGradientAndScore();
        Gradient grad = g.gradient();
        Map<String, INDArray> out = new java.util.TreeMap<>();
        grad.gradientForVariable().forEach((k, v) -> out.put(k, v.dup()));
        return out;
    }

    private static int removeHelpers(ComputationGraph g) throws Exception {
        Field conv = ConvolutionLayer.class.getDeclaredField("helper");
        Field bn = BatchNormalization.class.getDeclaredField("helper");
        conv.setAccessible(true);
        bn.setAccessible(true);
        int n = 0;
        for (Layer l : g.getLayers()) {
            Field f = l instanceof ConvolutionLayer ? conv : l instanceof BatchNormalization ? bn : null;
            if (f != null && f.get(l) != null) {
                f.set(l, null);
                n++;
            }
        }
        return n;
    }
}

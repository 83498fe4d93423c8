package org.mudsc4j.zoo;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.junit.jupiter.api.Test;
import org.mudsc4j.train.ClassEmbeddings;
import org.mudsc4j.dl4j.ActivationLayouts;
import org.mudsc4j.dl4j.DirectAddVertex;
import org.mudsc4j.dl4j.OneDnn;
import org.mudsc4j.dl4j.DirectBackpropConvolution;
import org.mudsc4j.dl4j.DirectReluActivation;
import org.mudsc4j.train.CosineHeadLoss;
import org.mudsc4j.train.TrainConfig;
import org.mudsc4j.train.TrainingRecipe;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.lang.reflect.Field;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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

        INDArray[] xy = batch(11);
        INDArray x = xy[0];
        INDArray y = xy[1];
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

    /**
     * The GroupNorm layer runs libnd4j's batchnorm ops on a regrouped view (oneDNN kernels in float): its float
     * gradients in a whole GN ResNet must match the same model computed in double precision, where the layers take
     * libnd4j's generic path and pass the finite-difference checks of LayerGradientTest.
     */
    @Test
    void groupNormFloatGradientsMatchDoublePrecision() {
        ModelSpec spec = ModelSpec.parse("resnet20gnx1@3x8x8");
        CosineHeadLoss head = CosineHeadLoss.forTask(ClassEmbeddings.seeded(10, 0), new int[] {0, 1, 2, 3, 4}, 100);
        ComputationGraph single = ModelZoo.build(spec, 3, head);
        ComputationGraph dbl = ModelZoo.build(spec, 3, head, DataType.DOUBLE);
        dbl.setParams(single.params().castTo(DataType.DOUBLE));
        INDArray[] xy = batch(12);
        INDArray x = xy[0];
        INDArray y = xy[1];
        Map<String, INDArray> g1 = gradients(single, x, y);
        Map<String, INDArray> g2 = gradients(dbl, x.castTo(DataType.DOUBLE), y.castTo(DataType.DOUBLE));
        assertEquals(g1.keySet(), g2.keySet());
        for (String k : g1.keySet()) {
            INDArray a = g1.get(k).castTo(DataType.DOUBLE);
            double scale = Math.max(g2.get(k).amaxNumber().doubleValue(), 1e-6);
            double diff = a.sub(g2.get(k)).amaxNumber().doubleValue() / scale;
            assertTrue(diff < 1e-3, k + ": relative max difference " + diff);
        }
    }

    /**
     * The training path (TrainingRecipe) swaps in faster layers; on the same parameters and batch their float
     * gradients must equal the stock DL4J layers' ones, for BatchNorm and GroupNorm ResNets.
     */
    @Test
    void trainingPathLayersGiveTheStockGradients() {
        for (String model : new String[] {"resnet20x1@3x8x8", "resnet20gnx1@3x8x8"}) {
            ModelSpec spec = ModelSpec.parse(model);
            CosineHeadLoss head = CosineHeadLoss.forTask(ClassEmbeddings.seeded(10, 0), new int[] {0, 1, 2, 3, 4}, 100);
            ComputationGraph stock = ModelZoo.build(spec, 5, head);
            ComputationGraph fast = TrainingRecipe.impose(stock, TrainConfig.of(2, 8, 0.1, 0), 10);
            long swapped = java.util.Arrays.stream(fast.getLayers())
                    .filter(l -> l.conf().getLayer() instanceof DirectBackpropConvolution).count();
            assertTrue(swapped >= 21, model + ": only " + swapped + " convolutions on the direct backprop path");
            long relus = java.util.Arrays.stream(fast.getLayers())
                    .filter(l -> l.conf().getLayer() instanceof DirectReluActivation).count();
            long adds = fast.getConfiguration().getVertices().values().stream()
                    .filter(v -> v instanceof DirectAddVertex).count();
            assertEquals(19, relus, model + ": ReLU layers on the direct path");
            assertEquals(9, adds, model + ": residual adds on the direct path");
            INDArray[] xy = batch(13);
            INDArray x = xy[0];
            INDArray y = xy[1];
            Map<String, INDArray> g1 = gradients(stock, x, y);
            Map<String, INDArray> g2 = gradients(fast, x, y);
            assertEquals(g1.keySet(), g2.keySet());
            for (String k : g1.keySet()) {
                double scale = Math.max(g1.get(k).amaxNumber().doubleValue(), 1e-6);
                double diff = g1.get(k).sub(g2.get(k)).amaxNumber().doubleValue() / scale;
                assertTrue(diff < 1e-4, model + " " + k + ": relative max difference " + diff);
            }
        }
    }

    /**
     * With {@link ActivationLayouts} open, the training path keeps activations channel-blocked between its
     * convolutions, BatchNorms, ReLUs and adds: the gradients (and BatchNorm's running-statistics updates, which are
     * part of them) must still be the stock layers' ones, and closing the layouts must leave an ordinary graph.
     */
    @Test
    void blockedActivationsGiveTheStockGradients() {
        assumeTrue(OneDnn.available(), "direct oneDNN is not available here");
        ModelSpec spec = ModelSpec.parse("resnet20x1@3x8x8");
        CosineHeadLoss head = CosineHeadLoss.forTask(ClassEmbeddings.seeded(10, 0), new int[] {0, 1, 2, 3, 4}, 100);
        ComputationGraph stock = ModelZoo.build(spec, 7, head);
        ComputationGraph fast = TrainingRecipe.impose(stock, TrainConfig.of(2, 8, 0.1, 0), 10);
        INDArray[] xy = batch(14);
        INDArray expectedOut = stock.outputSingle(false, xy[0]);
        Map<String, INDArray> g1 = gradients(stock, xy[0], xy[1]);
        Map<String, INDArray> g2;
        try (ActivationLayouts layouts = ActivationLayouts.blocked(fast)) {
            assertTrue(layouts.block() > 0, "oneDNN prefers plain NCHW activations here");
            Set<String> blocked = layouts.blockedTensors();
            // stem, first and second stage blocks, their stride-2 shortcuts; not the pooled last stage's output
            for (String v : new String[] {"conv1", "bn1", "relu", "layer1.0.add", "layer2.0.shortcut.1",
                    "layer2.2.relu2", "layer3.0.conv1"}) {
                assertTrue(blocked.contains(v), v + " not blocked: " + blocked);
            }
            assertFalse(blocked.contains("layer3.2.relu2"), "the pooled output must stay NCHW");
            g2 = gradients(fast, xy[0], xy[1]);
            INDArray[] in = xy;
            assertThrows(IllegalStateException.class, () -> fast.outputSingle(false, in[0]),
                    "inference must refuse blocked BatchNorm activations");
        }
        assertEquals(g1.keySet(), g2.keySet());
        for (String k : g1.keySet()) {
            double scale = Math.max(g1.get(k).amaxNumber().doubleValue(), 1e-6);
            double diff = g1.get(k).sub(g2.get(k)).amaxNumber().doubleValue() / scale;
            assertTrue(diff < 1e-4, k + ": relative max difference " + diff);
        }
        INDArray out = fast.outputSingle(false, xy[0]);
        assertTrue(expectedOut.equalsWithEps(out, 1e-5), "outputs after closing the layouts differ");
    }

    /** Eight random 3×8×8 images and one-hot labels over five classes. */
    private static INDArray[] batch(long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.randn(DataType.FLOAT, 8, 3, 8, 8);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 8, 5);
        for (int i = 0; i < 8; i++) {
            y.putScalar(i, i % 5, 1f);
        }
        return new INDArray[] {x, y};
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

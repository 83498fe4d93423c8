package org.mudsc4j.zoo;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.slf4j.LoggerFactory;
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
     * Run for the block this CPU prefers (8 on AVX2, 16 on AVX-512) and for both blocks forced, on ResNet-20 ×1
     * (16/32/64 channels: everything blockable) and on a bottleneck ResNet-26 of base width 12 (12/24/48/96 channels:
     * 12 fits neither block, 24 only the 8-block), where the tensors that do not fit must stay NCHW.
     */
    @ParameterizedTest(name = "{0}, block {1}")
    @CsvSource({"resnet20x1@3x8x8, 0", "resnet20x1@3x8x8, 8", "resnet20x1@3x8x8, 16",
            "resnet26-b12@3x8x8, 8", "resnet26-b12@3x8x8, 16"})
    void blockedActivationsGiveTheStockGradients(String model, int forcedBlock) {
        assumeTrue(OneDnn.available(), "direct oneDNN is not available here");
        int block = forcedBlock == 0 ? OneDnn.activationBlock() : forcedBlock;
        assumeTrue(block > 0, "oneDNN prefers plain NCHW activations here");
        LoggerFactory.getLogger(OneDnnGradientTest.class).info("{}: channel block {} ({}; this CPU prefers {})",
                model, block, forcedBlock == 0 ? "preferred" : "forced", OneDnn.activationBlock());
        ModelSpec spec = ModelSpec.parse(model);
        CosineHeadLoss head = CosineHeadLoss.forTask(ClassEmbeddings.seeded(10, 0), new int[] {0, 1, 2, 3, 4}, 100);
        ComputationGraph stock = ModelZoo.build(spec, 7, head);
        ComputationGraph fast = TrainingRecipe.impose(stock, TrainConfig.of(2, 8, 0.1, 0), 10);
        INDArray[] xy = batch(14);
        INDArray stockOut = stock.outputSingle(false, xy[0]);
        INDArray fastOut = fast.outputSingle(false, xy[0]);
        Map<String, INDArray> g1 = gradients(stock, xy[0], xy[1]);
        Map<String, INDArray> g2;
        try (ActivationLayouts layouts = ActivationLayouts.blocked(fast, block)) {
            assertEquals(block, layouts.block());
            Set<String> blocked = layouts.blockedTensors();
            for (String v : blocked) {
                long channels = channelsOf(fast, v);
                assertEquals(0, channels % block, v + " is blocked with " + channels + " channels in blocks of " + block);
            }
            if (model.startsWith("resnet20")) {
                // stem, first and second stage blocks, their stride-2 shortcuts; not the pooled last stage's output
                for (String v : new String[] {"conv1", "bn1", "relu", "layer1.0.add", "layer2.0.shortcut.1",
                        "layer2.2.relu2", "layer3.0.conv1"}) {
                    assertTrue(blocked.contains(v), v + " not blocked: " + blocked);
                }
                assertFalse(blocked.contains("layer3.2.relu2"), "the pooled output must stay NCHW");
            } else {
                // the 12-channel stem fits no block; 24-channel tensors fit the 8-block only
                assertFalse(blocked.contains("conv1") || blocked.contains("bn1"), "12 channels blocked: " + blocked);
                assertTrue(blocked.stream().anyMatch(v -> channelsOf(fast, v) == 48), "no 48-channel tensor blocked");
                assertEquals(block == 8, blocked.stream().anyMatch(v -> channelsOf(fast, v) == 24),
                        "24-channel tensors with block " + block + ": " + blocked);
            }
            g2 = gradients(fast, xy[0], xy[1]);
            // inference reads the blocked layout too (BatchNorm's blocked kernel), giving the NCHW outputs
            INDArray blockedOut = fast.outputSingle(false, xy[0]);
            double scale = Math.max(fastOut.amaxNumber().doubleValue(), 1e-12);
            assertTrue(fastOut.sub(blockedOut).amaxNumber().doubleValue() / scale < 1e-4,
                    "inference on blocked activations differs from NCHW");
        }
        assertEquals(g1.keySet(), g2.keySet());
        // Float rounding alone reaches ~1e-4 of a gradient's scale here: the fast layers with no blocking at all
        // differ from the stock ones by 9.5e-5 on ResNet-26-b12 (gradients ~100 under the cosine head's scale of
        // 100). A wrong layout or reorder gives differences of the order of the gradient itself.
        for (String k : g1.keySet()) {
            double scale = Math.max(g1.get(k).amaxNumber().doubleValue(), 1e-6);
            double diff = g1.get(k).sub(g2.get(k)).amaxNumber().doubleValue() / scale;
            assertTrue(diff < 5e-4, k + ": relative max difference " + diff);
        }
        // Closing leaves the graph as it was: the same layers give the same outputs as before opening. Against the
        // stock layers only float rounding may differ (their convolutions may pick other oneDNN kernels, which sum
        // in another order: ~5e-7 of the output scale on AVX-512), so that comparison is relative.
        INDArray out = fast.outputSingle(false, xy[0]);
        assertTrue(fastOut.equalsWithEps(out, 1e-6 * fastOut.amaxNumber().doubleValue()),
                "outputs after closing the layouts differ from those before opening them");
        double stockDiff = stockOut.sub(out).amaxNumber().doubleValue() / stockOut.amaxNumber().doubleValue();
        assertTrue(stockDiff < 1e-5, "outputs differ from the stock layers' by " + stockDiff + " of their scale");
    }

    /** The channel count of a vertex's output (convolution or BatchNorm layers; adds and ReLUs through their input). */
    private static long channelsOf(ComputationGraph g, String vertex) {
        Layer layer = g.getVertex(vertex).hasLayer() ? g.getVertex(vertex).getLayer() : null;
        if (layer != null && layer.conf().getLayer() instanceof FeedForwardLayer ff && ff.getNOut() > 0) {
            return ff.getNOut();
        }
        return channelsOf(g, g.getConfiguration().getVertexInputs().get(vertex).get(0));
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

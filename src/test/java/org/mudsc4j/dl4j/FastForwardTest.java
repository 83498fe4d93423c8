package org.mudsc4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mudsc4j.merge.features.ActivationSimilarities;
import org.mudsc4j.merge.features.FeatureCollector;
import org.mudsc4j.merge.groups.GroupDeriver;
import org.mudsc4j.merge.groups.UnitGroup;
import org.mudsc4j.merge.groups.UnitGroups;
import org.mudsc4j.merge.repair.BatchNormReestimator;
import org.mudsc4j.zoo.ModelSpec;
import org.mudsc4j.zoo.ModelZoo;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The three passes on {@link FastForward}'s direct twin against DL4J's stock passes ({@code -Dmudsc4j.fastForward=false}):
 * BatchNorm statistics after re-estimation, network outputs, hooked activations and the correlations of the feature
 * pass, for BatchNorm, GroupNorm and attention models. The fused chain is off here ({@link FusedForwardTest} checks it
 * against the twin).
 */
class FastForwardTest {
    private static final double TOLERANCE = 1e-4; // float rounding between oneDNN and DL4J kernels, relative

    @org.junit.jupiter.api.BeforeEach
    void twinOnly() {
        System.setProperty(FusedForward.PROPERTY, "false");
    }

    @AfterEach
    void restore() {
        System.clearProperty(FastForward.PROPERTY);
        System.clearProperty(ActivationLayouts.PROPERTY);
        System.clearProperty(FusedForward.PROPERTY);
    }

    private static <T> T stock(Supplier<T> pass) {
        return switchedOff(FastForward.PROPERTY, pass);
    }

    /** {@code pass} with the switch {@code property} set to false, cleared afterwards. */
    static <T> T switchedOff(String property, Supplier<T> pass) {
        System.setProperty(property, "false");
        try {
            return pass.get();
        } finally {
            System.clearProperty(property);
        }
    }

    private static List<DataSet> batches(ModelSpec spec, int count, int size) {
        Nd4j.getRandom().setSeed(3);
        ModelSpec.InputShape in = spec.input();
        List<DataSet> out = new ArrayList<>();
        for (int b = 0; b < count; b++) {
            out.add(new DataSet(Nd4j.randn(DataType.FLOAT, size, in.channels(), in.height(), in.width()),
                    Nd4j.zeros(DataType.FLOAT, size, 1)));
        }
        return out;
    }

    private static DataSetIterator iterator(List<DataSet> batches) {
        return new ExistingDataSetIterator(batches);
    }

    static double relativeError(INDArray expected, INDArray actual) {
        double scale = Math.max(expected.amaxNumber().doubleValue(), 1e-12);
        return expected.castTo(DataType.DOUBLE).sub(actual.castTo(DataType.DOUBLE)).amaxNumber().doubleValue() / scale;
    }

    @ParameterizedTest
    @ValueSource(strings = {"resnet20x1@3x8x8", "resnet20x1@1x12x12", "resnet26-b12@3x8x8", "resnet20gnx1@3x8x8",
            "vit-p4-d1-w16-h2-m2-e8@3x8x8"})
    void outputsAndActivationsMatchTheStockPath(String text) {
        ModelSpec spec = ModelSpec.parse(text);
        ComputationGraph g = ModelZoo.build(spec, 5);
        INDArray x = batches(spec, 1, 6).get(0).getFeatures();
        FastForward fast = FastForward.of(g);
        FastForward slow = stock(() -> FastForward.of(g));
        assertTrue(fast.direct());
        assertFalse(slow.direct());
        INDArray expected = g.outputSingle(false, x);
        assertTrue(relativeError(expected, fast.output(x)) < TOLERANCE, text + ": outputs differ");
        assertTrue(relativeError(expected, slow.output(x)) == 0, text + ": the stock pass is DL4J's");

        List<String> hooks = GroupDeriver.derive(g).groups().stream().map(u -> u.hook().vertex()).distinct().toList();
        Map<String, INDArray> fastActs = fast.activations(x, hooks);
        Map<String, INDArray> slowActs = slow.activations(x, hooks);
        assertEquals(hooks, List.copyOf(fastActs.keySet()));
        for (String h : hooks) {
            assertTrue(relativeError(slowActs.get(h), fastActs.get(h)) < TOLERANCE, text + ": activation of " + h);
        }
        assertChannelRowsAre(fast, x, hooks, fastActs, text);
        assertChannelRowsAre(slow, x, hooks, slowActs, text + " (stock)");
    }

    /** {@link FastForward#channelRows} holds exactly the values of {@link FastForward#activations}, channel-major. */
    private static void assertChannelRowsAre(FastForward pass, INDArray x, List<String> hooks,
                                             Map<String, INDArray> acts, String text) {
        Map<String, ActivationLayouts.ChannelRows> rows = pass.channelRows(x, hooks);
        assertEquals(hooks, List.copyOf(rows.keySet()));
        for (String h : hooks) {
            INDArray a = acts.get(h);
            int[] perm = new int[a.rank()];
            perm[0] = 1;
            perm[1] = 0;
            for (int d = 2; d < perm.length; d++) {
                perm[d] = d;
            }
            float[] expected = a.permute(perm).dup('c').castTo(DataType.FLOAT).data().asFloat();
            ActivationLayouts.ChannelRows got = rows.get(h);
            assertEquals(a.size(1), got.channels(), text + ": channels of " + h);
            assertEquals(expected.length / a.size(1), got.samples(), text + ": samples of " + h);
            org.junit.jupiter.api.Assertions.assertArrayEquals(expected, got.values(), text + ": rows of " + h);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"resnet20x1@3x8x8", "resnet26-b12@3x8x8"})
    void batchNormReestimationGivesTheStockStatisticsAndWritesTheGraph(String text) {
        ModelSpec spec = ModelSpec.parse(text);
        List<DataSet> data = batches(spec, 3, 5);
        ComputationGraph fastGraph = ModelZoo.build(spec, 7);
        ComputationGraph slowGraph = fastGraph.clone();
        INDArray before = fastGraph.params().dup();
        int layers = BatchNormReestimator.reestimate(fastGraph, iterator(data));
        int slowLayers = stock(() -> BatchNormReestimator.reestimate(slowGraph, iterator(data)));
        assertEquals(slowLayers, layers);
        assertTrue(layers > 0);
        assertTrue(relativeError(before, fastGraph.params()) > 1e-3, "the twin's writes reach the graph");
        for (String key : slowGraph.paramTable().keySet()) {
            if (key.endsWith("_mean") || key.endsWith("_log10stdev")) {
                INDArray want = slowGraph.getParam(key);
                INDArray got = fastGraph.getParam(key);
                // absolute for log10 std (near 0), relative to the largest for means; float rounding grows with depth
                double err = want.castTo(DataType.DOUBLE).sub(got.castTo(DataType.DOUBLE)).amaxNumber().doubleValue()
                        / Math.max(1.0, want.amaxNumber().doubleValue());
                assertTrue(err < TOLERANCE, text + ": " + key + " differs by " + err);
            }
        }
        INDArray x = data.get(0).getFeatures();
        assertTrue(relativeError(slowGraph.outputSingle(false, x), fastGraph.outputSingle(false, x)) < TOLERANCE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"resnet20x1@3x8x8", "resnet20gnx1@3x8x8"})
    void featurePassCorrelationsMatchTheStockPath(String text) {
        ModelSpec spec = ModelSpec.parse(text);
        List<ComputationGraph> models = List.of(ModelZoo.build(spec, 1), ModelZoo.build(spec, 2));
        UnitGroups groups = GroupDeriver.derive(models.get(0));
        List<DataSet> data = batches(spec, 2, 8);
        ActivationSimilarities fast = FeatureCollector.collect(models, groups, iterator(data));
        ActivationSimilarities slow = stock(() -> FeatureCollector.collect(models, groups, iterator(data)));
        assertCorrelationsClose(groups, slow, fast, 1e-4, text + ": ");
    }

    /** Every group's correlation of {@code actual} within {@code tolerance} (absolute, entrywise) of {@code expected}. */
    static void assertCorrelationsClose(UnitGroups groups, ActivationSimilarities expected,
                                        ActivationSimilarities actual, double tolerance, String label) {
        for (UnitGroup g : groups.groups()) {
            double[] a = expected.correlation(g.id());
            double[] b = actual.correlation(g.id());
            double worst = 0;
            for (int i = 0; i < a.length; i++) {
                worst = Math.max(worst, Math.abs(a[i] - b[i]));
            }
            assertTrue(worst < tolerance, label + "correlation of group " + g.name() + " differs by " + worst);
        }
    }

    /**
     * Both channel blocks forced (AVX2 machines prefer 8, AVX-512 ones 16): outputs, hooked activations and
     * BatchNorm input moments as on NCHW activations. ResNet-26-b12's 12 and 24 channels fill no 16-block.
     */
    @ParameterizedTest
    @ValueSource(strings = {"8", "16"})
    void blockedActivationsGiveTheNchwResults(String block) {
        org.junit.jupiter.api.Assumptions.assumeTrue(OneDnn.available(), "direct oneDNN unavailable");
        for (String text : List.of("resnet20x1@3x8x8", "resnet26-b12@3x8x8")) {
            ModelSpec spec = ModelSpec.parse(text);
            ComputationGraph g = ModelZoo.build(spec, 9);
            INDArray x = batches(spec, 1, 4).get(0).getFeatures();
            List<String> hooks = GroupDeriver.derive(g).groups().stream().map(u -> u.hook().vertex()).distinct()
                    .toList();
            List<String> bns = g.getConfiguration().getVertices().keySet().stream()
                    .filter(n -> g.getVertex(n).hasLayer() && g.getVertex(n).getLayer().conf().getLayer()
                            instanceof org.deeplearning4j.nn.conf.layers.BatchNormalization).toList();
            System.setProperty(ActivationLayouts.PROPERTY, "false");
            INDArray nchwOut;
            Map<String, INDArray> nchwActs;
            List<FastForward.ChannelMoments> nchwMoments;
            try (FastForward plain = FastForward.of(g)) {
                nchwOut = plain.output(x);
                nchwActs = plain.activations(x, hooks);
                nchwMoments = plain.batchNormInputMoments(x, bns);
                assertTrue(plain.blockedTensors().isEmpty());
            }
            System.setProperty(ActivationLayouts.PROPERTY, block);
            try (FastForward blocked = FastForward.of(g)) {
                assertTrue(relativeError(nchwOut, blocked.output(x)) < TOLERANCE, text + ": outputs differ");
                assertFalse(blocked.blockedTensors().isEmpty(), text + ": nothing was blocked by " + block);
                Map<String, INDArray> acts = blocked.activations(x, hooks);
                for (String h : hooks) {
                    assertTrue(relativeError(nchwActs.get(h), acts.get(h)) < TOLERANCE, text + ": activation " + h);
                }
                assertChannelRowsAre(blocked, x, hooks, acts, text + " blocked by " + block);
                List<FastForward.ChannelMoments> moments = blocked.batchNormInputMoments(x, bns);
                for (int k = 0; k < bns.size(); k++) {
                    double[] m0 = nchwMoments.get(k).mean(), m1 = moments.get(k).mean();
                    double[] v0 = nchwMoments.get(k).biasedVariance(), v1 = moments.get(k).biasedVariance();
                    for (int c = 0; c < m0.length; c++) {
                        // oneDNN's blocked BatchNorm reduces in float; rounding grows with depth (29 layers here)
                        assertEquals(m0[c], m1[c], 1e-3 * Math.max(1, Math.abs(m0[c])), text + ": mean of " + bns.get(k));
                        assertEquals(v0[c], v1[c], 1e-3 * Math.max(1, v0[c]), text + ": variance of " + bns.get(k));
                    }
                }
            }
        }
    }

    /** A graph already on direct layers runs the passes itself, and closing puts its layers back on NCHW. */
    @org.junit.jupiter.api.Test
    void aDirectGraphIsBackOnNchwAfterClose() {
        ModelSpec spec = ModelSpec.parse("resnet20x1@3x8x8");
        ComputationGraph stockGraph = ModelZoo.build(spec, 4);
        org.deeplearning4j.nn.conf.ComputationGraphConfiguration conf = stockGraph.getConfiguration().clone();
        assertTrue(DirectLayers.replaceAll(conf));
        ComputationGraph direct = new ComputationGraph(conf);
        direct.init(stockGraph.params().dup(), false);
        INDArray x = batches(spec, 1, 4).get(0).getFeatures();
        Map<String, INDArray> before = direct.feedForward(x, false);
        assertTrue(relativeError(stockGraph.outputSingle(false, x), direct.outputSingle(false, x)) < TOLERANCE);
        try (FastForward fast = FastForward.of(direct)) {
            fast.output(x);
            org.junit.jupiter.api.Assumptions.assumeFalse(fast.blockedTensors().isEmpty(), "no blocked layout here");
        }
        // against the same graph before any pass (DL4J's stock ReLU overwrites its input in inference, so the stock
        // graph's BatchNorm activations are not comparable)
        Map<String, INDArray> want = before;
        Map<String, INDArray> got = direct.feedForward(x, false);
        for (String name : conf.getVertices().keySet()) {
            double err = relativeError(want.get(name), got.get(name));
            assertTrue(err < TOLERANCE, name + " is not NCHW after close: " + err);
        }
    }
    /**
     * On a dense MLP with image input, DL4J's output of chosen vertices fails and leaves a workspace open; the
     * activations must still come back, and the graph must still evaluate afterwards (the loss landscape does both).
     */
    @org.junit.jupiter.api.Test
    void activationsOfAnMlpLeaveTheGraphUsable() {
        org.mudsc4j.train.ClassEmbeddings emb = org.mudsc4j.train.ClassEmbeddings.seeded(4, 4, 0);
        ComputationGraph mlp = org.mudsc4j.eval.landscape.LandscapeMlp.build(8, 4,
                org.mudsc4j.train.CosineHeadLoss.forTask(emb, new int[] {0, 1}, 100), 3);
        INDArray x = Nd4j.rand(DataType.FLOAT, 5, 1, 28, 28);
        INDArray want = mlp.outputSingle(false, x).dup();
        Map<String, INDArray> stock = mlp.feedForward(x, false);
        try (FastForward fast = FastForward.of(mlp)) {
            INDArray fc2 = fast.activations(x, List.of("fc2")).get("fc2");
            assertTrue(relativeError(stock.get("fc2"), fc2) < TOLERANCE, "fc2");
            assertTrue(relativeError(want, fast.output(x)) < TOLERANCE, "output through the passes");
        }
        assertFalse(Nd4j.getWorkspaceManager().anyWorkspaceActiveForCurrentThread(), "a workspace was left open");
        assertTrue(relativeError(want, mlp.outputSingle(false, x)) < TOLERANCE, "the graph's own output afterwards");
    }
}

package org.mudsc4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mudsc4j.merge.features.ActivationSimilarities;
import org.mudsc4j.merge.features.FeatureCollector;
import org.mudsc4j.merge.groups.GroupDeriver;
import org.mudsc4j.merge.groups.UnitGroups;
import org.mudsc4j.merge.repair.BatchNormReestimator;
import org.mudsc4j.zoo.ModelSpec;
import org.mudsc4j.zoo.ModelZoo;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The fused oneDNN chain ({@link FusedForward}) against the direct twin it replaces ({@code -Dmudsc4j.fusedForward=false})
 * and DL4J's stock path: outputs, BatchNorm re-estimation, hooked activations and feature-pass correlations, on
 * BatchNorm ResNet-20s with non-trivial running statistics; which graphs compile; and that parameters are read when
 * a pass starts.
 */
class FusedForwardTest {
    /** Relative; the brgemm kernels sum in another order than the twin's direct ones (a few float ulps). */
    private static final double TOLERANCE = 1e-5;

    @BeforeEach
    void needsOneDnn() {
        org.junit.jupiter.api.Assumptions.assumeTrue(OneDnn.available(), "direct oneDNN unavailable");
    }

    @AfterEach
    void restore() {
        System.clearProperty(FusedForward.PROPERTY);
        System.clearProperty(FastForward.PROPERTY);
    }

    private static <T> T twin(Supplier<T> pass) {
        return FastForwardTest.switchedOff(FusedForward.PROPERTY, pass);
    }

    /** A zoo model whose BatchNorms hold random running statistics and affine parameters (fresh ones are 0/1). */
    private static ComputationGraph model(String text, int seed) {
        ComputationGraph g = ModelZoo.build(ModelSpec.parse(text), seed);
        Nd4j.getRandom().setSeed(seed);
        for (GraphVertex v : g.getVertices()) {
            if (v.hasLayer() && v.getLayer().conf().getLayer() instanceof BatchNormalization bn) {
                var l = v.getLayer();
                long[] shape = l.getParam("gamma").shape();
                l.getParam("gamma").assign(Nd4j.rand(DataType.FLOAT, shape).addi(0.5));
                l.getParam("beta").assign(Nd4j.randn(DataType.FLOAT, shape).muli(0.2));
                l.getParam("mean").assign(Nd4j.randn(DataType.FLOAT, shape).muli(0.3));
                String stat = bn.isUseLogStd() ? "log10stdev" : "var";
                l.getParam(stat).assign(bn.isUseLogStd() ? Nd4j.rand(DataType.FLOAT, shape).muli(0.3).subi(0.15)
                        : Nd4j.rand(DataType.FLOAT, shape).addi(0.5));
            }
        }
        return g;
    }

    private static List<DataSet> batches(ModelSpec spec, int... sizes) {
        Nd4j.getRandom().setSeed(11);
        ModelSpec.InputShape in = spec.input();
        List<DataSet> out = new ArrayList<>();
        for (int size : sizes) {
            out.add(new DataSet(Nd4j.randn(DataType.FLOAT, size, in.channels(), in.height(), in.width()),
                    Nd4j.zeros(DataType.FLOAT, size, 1)));
        }
        return out;
    }

    private static double relativeError(INDArray expected, INDArray actual) {
        return FastForwardTest.relativeError(expected, actual);
    }

    private static List<String> hooks(ComputationGraph g) {
        return GroupDeriver.derive(g).groups().stream().map(u -> u.hook().vertex()).distinct().toList();
    }

    @Test
    void compilesTheBatchNormResNetsOnly() {
        assertNotNull(FusedForward.compile(ModelZoo.build(ModelSpec.parse("resnet20x1@3x8x8"), 1)));
        assertNotNull(FusedForward.compile(ModelZoo.build(ModelSpec.parse("resnet20x2@1x12x12"), 1)));
        for (String other : List.of("resnet20gnx1@3x8x8", "resnet26-b12@3x8x8", "vit-p4-d1-w16-h2-m2-e8@3x8x8")) {
            assertNull(FusedForward.compile(ModelZoo.build(ModelSpec.parse(other), 1)), other + " has no chain");
        }
        System.setProperty(FusedForward.PROPERTY, "false");
        try (FastForward off = FastForward.of(ModelZoo.build(ModelSpec.parse("resnet20x1@3x8x8"), 1))) {
            assertNull(off.fusedChain(), "switched off");
        }
    }

    /** Outputs as the twin and the stock path give them, for several batch sizes (one plan each) in one pass. */
    @ParameterizedTest
    @ValueSource(strings = {"resnet20x1@1x12x12", "resnet20x2@3x8x8"})
    void outputsMatchTheTwinAndTheStockPath(String text) {
        ComputationGraph g = model(text, 3);
        List<DataSet> data = batches(ModelSpec.parse(text), 6, 6, 5, 1);
        try (FastForward fused = FastForward.of(g);
             FastForward direct = twin(() -> FastForward.of(g))) {
            for (DataSet d : data) {
                INDArray x = d.getFeatures();
                INDArray got = fused.output(x);
                assertNotNull(fused.fusedChain());
                INDArray want = direct.output(x);
                assertEquals(List.of(want.shape()[0], want.shape()[1]), List.of(got.shape()[0], got.shape()[1]));
                assertTrue(relativeError(want, got) < TOLERANCE, text + ": fused and twin outputs differ by "
                        + relativeError(want, got));
                assertTrue(relativeError(g.outputSingle(false, x), got) < 1e-4, text + ": stock output differs");
            }
            INDArray first = fused.output(data.get(0).getFeatures());
            assertTrue(relativeError(first, fused.output(data.get(0).getFeatures())) == 0, "a plan gives the same");
            assertTrue(first != fused.output(data.get(0).getFeatures()), "each call returns its own array");
        }
    }

    @Test
    void batchNormReestimationMatchesTheTwin() {
        String text = "resnet20x1@3x8x8";
        List<DataSet> data = batches(ModelSpec.parse(text), 5, 5, 3);
        ComputationGraph fusedGraph = model(text, 7);
        ComputationGraph twinGraph = fusedGraph.clone();
        BatchNormReestimator.reestimate(fusedGraph, new ExistingDataSetIterator(data));
        twin(() -> BatchNormReestimator.reestimate(twinGraph, new ExistingDataSetIterator(data)));
        double err = relativeError(twinGraph.params(), fusedGraph.params());
        assertTrue(err < TOLERANCE, "re-estimated parameters differ by " + err);
        assertTrue(relativeError(model(text, 7).params(), fusedGraph.params()) > 1e-3, "the statistics were written");
    }

    @Test
    void hookedActivationsAndCorrelationsMatchTheTwin() {
        String text = "resnet20x1@1x12x12";
        List<ComputationGraph> models = List.of(model(text, 1), model(text, 2));
        UnitGroups groups = GroupDeriver.derive(models.get(0));
        List<DataSet> data = batches(ModelSpec.parse(text), 8, 8, 3);
        INDArray x = data.get(0).getFeatures();
        List<String> hooks = hooks(models.get(0));
        try (FastForward fused = FastForward.of(models.get(0));
             FastForward direct = twin(() -> FastForward.of(models.get(0)))) {
            Map<String, ActivationLayouts.ChannelRows> got = fused.channelRows(x, hooks);
            Map<String, ActivationLayouts.ChannelRows> want = direct.channelRows(x, hooks);
            assertEquals(hooks, List.copyOf(got.keySet()));
            for (String h : hooks) {
                assertEquals(want.get(h).channels(), got.get(h).channels(), h);
                assertEquals(want.get(h).samples(), got.get(h).samples(), h);
                INDArray a = Nd4j.createFromArray(want.get(h).values());
                INDArray b = Nd4j.createFromArray(got.get(h).values());
                assertTrue(relativeError(a, b) < TOLERANCE, "rows of " + h + " differ by " + relativeError(a, b));
            }
            // a BatchNorm whose ReLU the chain fused has no tensor of its own: the twin answers for it
            Map<String, ActivationLayouts.ChannelRows> bn = fused.channelRows(x, List.of("layer1.0.bn1"));
            INDArray a = Nd4j.createFromArray(direct.channelRows(x, List.of("layer1.0.bn1")).get("layer1.0.bn1")
                    .values());
            assertTrue(relativeError(a, Nd4j.createFromArray(bn.get("layer1.0.bn1").values())) < 1e-4);
            assertTrue(a.minNumber().doubleValue() < 0, "the BatchNorm's own output, before its ReLU");
        }
        ActivationSimilarities f = FeatureCollector.collect(models, groups, new ExistingDataSetIterator(data));
        ActivationSimilarities t = twin(() -> FeatureCollector.collect(models, groups,
                new ExistingDataSetIterator(data)));
        FastForwardTest.assertCorrelationsClose(groups, t, f, 1e-5, "");
    }

    /** A pass reads the parameters when it starts: a new pass after a change sees it, as the twin does. */
    @Test
    void aNewPassSeesChangedParameters() {
        String text = "resnet20x1@3x8x8";
        ComputationGraph g = model(text, 4);
        INDArray x = batches(ModelSpec.parse(text), 4).get(0).getFeatures();
        INDArray before;
        try (FastForward fused = FastForward.of(g)) {
            before = fused.output(x);
        }
        g.getVertex("layer2.1.conv1").getLayer().getParam("W").muli(-1.5);
        g.getVertex("layer3.0.bn1").getLayer().getParam("mean").addi(0.7);
        g.getVertex("linear").getLayer().getParam("b").addi(0.1);
        INDArray after;
        try (FastForward fused = FastForward.of(g)) {
            after = fused.output(x);
        }
        INDArray want = twin(() -> {
            try (FastForward direct = FastForward.of(g)) {
                return direct.output(x);
            }
        });
        assertTrue(relativeError(before, after) > 1e-2, "the change shows");
        assertTrue(relativeError(want, after) < TOLERANCE, "as the twin computes it");
    }
}

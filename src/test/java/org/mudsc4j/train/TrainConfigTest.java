package org.mudsc4j.train;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.api.Layer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.NoOp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainConfigTest {
    @Test
    void defaultWarmupIsFiveEpochsCappedAtAQuarterOfTheRun() {
        assertEquals(5.0, TrainConfig.of(200, 500, 0.4, 0).warmupEpochs());
        assertEquals(5.0, TrainConfig.of(20, 500, 0.4, 0).warmupEpochs());
        assertEquals(2.0, TrainConfig.of(8, 500, 0.4, 0).warmupEpochs());
        assertEquals(0.25, TrainConfig.of(1, 500, 0.4, 0).warmupEpochs());
        TrainConfig cfg = TrainConfig.of(200, 500, 0.4, 0);
        assertEquals(0.9, cfg.momentum());
        assertEquals(5e-4, cfg.weightDecay());
        assertEquals(100.0, cfg.logitScale());
        assertEquals(512, cfg.embedDim());
        assertEquals(50, cfg.iterationsPerEpoch(25_000));
        assertEquals(51, cfg.iterationsPerEpoch(25_001));
    }

    @Test
    void rejectsInvalidValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TrainConfig(5, 10, 0.1, 0.9, 5e-4, 5, 0, 100, 512));
        assertTrue(e.getMessage().contains("warmupEpochs"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TrainConfig.of(0, 10, 0.1, 0));
        assertThrows(IllegalArgumentException.class, () -> TrainConfig.of(10, 10, -0.1, 0));
    }

    @Test
    void imposesRecipeOnEveryTrainableParameterOfABuiltGraph() {
        TrainConfig cfg = TrainConfig.of(8, 16, 0.1, 3);
        CosineHeadLoss loss = CosineHeadLoss.forTask(ClassEmbeddings.seeded(4, 6, 1), new int[]{0, 1, 2}, 100);
        ComputationGraph zoo = TinyNets.mlp(3, 5, 6, loss, true, 1, DataType.FLOAT);
        ComputationGraph g = cfg.applyTo(zoo, 12);
        assertEquals(zoo.params(), g.params());
        TrainingRecipe.verify(g, cfg, 12);
        assertThrows(IllegalStateException.class, () -> TrainingRecipe.verify(zoo, cfg, 12));
        int checked = 0;
        for (Layer layer : g.getLayers()) {
            org.deeplearning4j.nn.conf.layers.Layer conf = layer.conf().getLayer();
            for (String p : layer.paramTable().keySet()) {
                if (conf.getUpdaterByParam(p) instanceof NoOp) {
                    assertTrue(p.equals("mean") || p.equals("var") || p.equals("log10stdev"), p);
                    continue;
                }
                assertEquals(cfg.updater(12), conf.getUpdaterByParam(p));
                assertEquals(1, conf.getRegularizationByParam(p).size(), layer.getConfig().getLayerName() + p);
                checked++;
            }
        }
        assertEquals(6, checked); // fc1 W,b; bn gamma,beta; linear W,b
        assertInstanceOf(WeightDecayedBatchNormalization.class, g.getLayer("bn").conf().getLayer());
        // The rewritten configuration (with the BN subclass, updater and schedule) survives JSON.
        assertEquals(g.getConfiguration(), ComputationGraphConfiguration.fromJson(g.getConfiguration().toJson()));
        // The input graph is not modified.
        assertInstanceOf(org.deeplearning4j.nn.conf.layers.BatchNormalization.class,
                zoo.getLayer("bn").conf().getLayer());
        assertTrue(!(zoo.getLayer("bn").conf().getLayer() instanceof WeightDecayedBatchNormalization));
    }

    @Test
    void builderFormSetsUpdaterAndL2OnDenseLayers() {
        TrainConfig cfg = TrainConfig.of(8, 16, 0.1, 3);
        ComputationGraphConfiguration conf = cfg.applyTo(new NeuralNetConfiguration.Builder(), 5)
                .graphBuilder().addInputs("in")
                .addLayer("d", new DenseLayer.Builder().nIn(2).nOut(3).build(), "in")
                .addLayer("loss", new LossLayer.Builder().build(), "d").setOutputs("loss").build();
        BaseLayer d = (BaseLayer) ((org.deeplearning4j.nn.conf.graph.LayerVertex) conf.getVertices().get("d"))
                .getLayerConf().getLayer();
        assertEquals(cfg.updater(5), d.getIUpdater());
        assertEquals(1, d.getRegularizationByParam("W").size());
        assertEquals(1, d.getRegularizationByParam("b").size());
    }
}

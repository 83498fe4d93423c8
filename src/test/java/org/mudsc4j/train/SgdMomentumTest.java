package org.mudsc4j.train;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SgdMomentumTest {
    private static final int K = 3;
    private static final int D = 5;

    /** 4 epochs of 1 iteration, warm-up 1: lr = 0, 0.5, 0.5·2/3 for the three steps. */
    private static final TrainConfig CFG = new TrainConfig(4, 6, 0.5, 0.9, 0.05, 1.0, 0, 10.0, D);

    @Test
    void singleDenseLayerFollowsHandComputedPyTorchTrajectory() {
        CosineHeadLoss loss = CosineHeadLoss.forTask(ClassEmbeddings.seeded(K, D, 1), new int[]{0, 1, 2}, 10);
        ComputationGraph zoo = singleDense(loss);
        checkTrajectory(CFG.applyTo(zoo, 1), TinyNets.blobs(6, K, 4, 3));
    }

    @Test
    void batchNormGammaBetaAreDecayedButRunningStatsAreNot() {
        CosineHeadLoss loss = CosineHeadLoss.forTask(ClassEmbeddings.seeded(K, D, 1), new int[]{0, 1, 2}, 10);
        ComputationGraph zoo = TinyNets.mlp(4, 7, D, loss, true, 5, DataType.DOUBLE);
        ComputationGraph g = CFG.applyTo(zoo, 1);
        org.deeplearning4j.nn.conf.layers.Layer bn = g.getLayer("bn").conf().getLayer();
        assertEquals(1, bn.getRegularizationByParam("gamma").size());
        assertEquals(1, bn.getRegularizationByParam("beta").size());
        assertTrue(bn.getRegularizationByParam("mean") == null || bn.getRegularizationByParam("mean").isEmpty());
        checkTrajectory(g, TinyNets.blobs(6, K, 4, 3));
    }

    /** Three fit() steps vs v ← μv + (g/B + wd·p); p ← p − lr(t)·v, per parameter, gradients from DL4J. */
    private static void checkTrajectory(ComputationGraph g, DataSet data) {
        double[] lrs = {0.0, 0.5, 0.5 * 2 / 3};
        Map<String, INDArray> v = new HashMap<>();
        int batch = data.numExamples();
        for (int step = 0; step < 3; step++) {
            assertEquals(lrs[step], CFG.updater(1).getLearningRate(g.getIterationCount(), 0), 1e-15);
            g.setInputs(data.getFeatures());
            g.setLabels(data.getLabels());
            g.computeGradientAndScore();
            Map<String, INDArray> expected = new HashMap<>();
            for (Map.Entry<String, INDArray> e : g.gradient().gradientForVariable().entrySet()) {
                String key = e.getKey();
                if (isStatistic(g, key)) {
                    continue;
                }
                INDArray p = g.getParam(key).dup();
                INDArray grad = e.getValue().dup().divi(batch).addi(p.mul(CFG.weightDecay()));
                INDArray vk = v.computeIfAbsent(key, k -> p.like().assign(0));
                vk.muli(CFG.momentum()).addi(grad);
                expected.put(key, p.sub(vk.mul(lrs[step])));
            }
            g.fit(data);
            for (Map.Entry<String, INDArray> e : expected.entrySet()) {
                INDArray actual = g.getParam(e.getKey());
                double err = actual.sub(e.getValue()).amaxNumber().doubleValue();
                assertTrue(err < 1e-12, "step " + step + " " + e.getKey() + ": max error " + err);
            }
        }
        assertEquals(3, g.getIterationCount());
        assertFalse(v.isEmpty());
    }

    private static boolean isStatistic(ComputationGraph g, String key) {
        int split = key.lastIndexOf('_');
        Layer layer = g.getLayer(key.substring(0, split));
        IUpdater u = layer.conf().getLayer().getUpdaterByParam(key.substring(split + 1));
        return u instanceof NoOp;
    }

    private static ComputationGraph singleDense(CosineHeadLoss loss) {
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder()
                .seed(2).dataType(DataType.DOUBLE).graphBuilder().addInputs("in")
                .addLayer("linear", new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder().nIn(4).nOut(D)
                        .activation(org.nd4j.linalg.activations.Activation.IDENTITY).build(), "in")
                .addLayer("loss", new org.deeplearning4j.nn.conf.layers.LossLayer.Builder().lossFunction(loss)
                        .activation(org.nd4j.linalg.activations.Activation.IDENTITY).build(), "linear")
                .setOutputs("loss").build());
        g.init();
        return g;
    }

    /** The one-pass Java update gives bit for bit what the ND4J operations give. */
    @Test
    void javaUpdateEqualsNd4jOperations() {
        org.nd4j.linalg.factory.Nd4j.getRandom().setSeed(7);
        INDArray g = org.nd4j.linalg.factory.Nd4j.randn(DataType.FLOAT, 1, 1000);
        INDArray v = org.nd4j.linalg.factory.Nd4j.randn(DataType.FLOAT, 1, 1000);
        double momentum = 0.9;
        double lr = 0.0371;
        INDArray vRef = v.dup().muli(momentum).addi(g);
        INDArray gRef = vRef.dup().muli(lr);
        INDArray gJava = g.dup();
        INDArray vJava = v.dup();
        SgdMomentumUpdater.applyInJava(org.mudsc4j.dl4j.DenseFloats.buffer(gJava),
                org.mudsc4j.dl4j.DenseFloats.buffer(vJava), 1000, (float) momentum, (float) lr);
        org.junit.jupiter.api.Assertions.assertArrayEquals(vRef.toFloatVector(), vJava.toFloatVector());
        org.junit.jupiter.api.Assertions.assertArrayEquals(gRef.toFloatVector(), gJava.toFloatVector());
    }

    @Test
    void configurationCloneEqualsAndJson() throws Exception {
        SgdMomentum u = CFG.updater(10);
        assertEquals(u, u.clone());
        assertNotEquals(u, new SgdMomentum(0.1, 0.9));
        assertEquals(u.stateSize(17), 17);
        String json = NeuralNetConfiguration.mapper().writeValueAsString(u);
        IUpdater back = NeuralNetConfiguration.mapper().readValue(json, IUpdater.class);
        assertEquals(u, back);
        assertEquals(u.getLearningRate(25, 2), back.getLearningRate(25, 2));
        SgdMomentum constant = new SgdMomentum(0.1, 0.5);
        assertEquals(0.1, constant.getLearningRate(100, 3));
        constant.setLrAndSchedule(0.2, null);
        assertEquals(0.2, constant.getLearningRate(0, 0));
    }
}

package org.mudsc4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

/**
 * Canary for DL4J's SameDiff 2x gradient bug: a plain {@link SameDiffLayer} must produce exactly twice the
 * gradients of the same layer on {@link FixedGradSameDiffLayer}. When this fails after a DL4J upgrade, the bug is
 * fixed upstream and the fix must be removed.
 */
class SameDiffGradientBugTest {

    /** y = tanh(x) * gamma + beta on feed-forward input. */
    private static SDVariable scaleShift(SDVariable in, Map<String, SDVariable> p) {
        return in.getSameDiff().math().tanh(in).mul(p.get("gamma")).add(p.get("beta"));
    }

    static final class Plain extends SameDiffLayer {
        @Override
        public SDVariable defineLayer(SameDiff sd, SDVariable in, Map<String, SDVariable> p, SDVariable mask) {
            return scaleShift(in, p);
        }

        @Override
        public void defineParameters(SDLayerParams params) {
            params.addWeightParam("gamma", 1, 3);
            params.addBiasParam("beta", 1, 3);
        }

        @Override
        public void initializeParameters(Map<String, INDArray> params) {
            params.get("gamma").assign(Nd4j.createFromArray(new double[][] {{0.5, -1.0, 2.0}}));
            params.get("beta").assign(0.1);
        }

        @Override
        public InputType getOutputType(int layerIndex, InputType inputType) {
            return inputType;
        }
    }

    static final class Fixed extends FixedGradSameDiffLayer {
        private final Plain same = new Plain();

        @Override
        public SDVariable defineLayer(SameDiff sd, SDVariable in, Map<String, SDVariable> p, SDVariable mask) {
            return scaleShift(in, p);
        }

        @Override
        public void defineParameters(SDLayerParams params) {
            same.defineParameters(params);
        }

        @Override
        public void initializeParameters(Map<String, INDArray> params) {
            same.initializeParameters(params);
        }

        @Override
        public InputType getOutputType(int layerIndex, InputType inputType) {
            return inputType;
        }
    }

    private static INDArray gradient(org.deeplearning4j.nn.conf.layers.Layer layer) {
        ComputationGraph net = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(1).updater(new NoOp())
                .dataType(DataType.DOUBLE).graphBuilder().addInputs("in")
                .addLayer("dense", new DenseLayer.Builder().nIn(2).nOut(3).activation(Activation.IDENTITY).build(),
                        "in")
                .addLayer("sd", layer, "dense")
                .addLayer("loss", new LossLayer.Builder(new LossMSE()).activation(Activation.IDENTITY).build(), "sd")
                .setOutputs("loss").setInputTypes(InputType.feedForward(2)).build());
        net.init();
        net.setInputs(Nd4j.createFromArray(new double[][] {{0.3, -0.7}, {1.1, 0.4}}));
        net.setLabels(Nd4j.createFromArray(new double[][] {{0.2, 0.0, -0.5}, {1.0, 0.3, 0.1}}));
        net.computeGradientAndScore();
        return net.gradient().gradient().dup();
    }

    @Test
    void plainSameDiffLayerGradientsAreDoubled() {
        Dl4jRuntime.init();
        INDArray plain = gradient(new Plain());
        INDArray fixed = gradient(new Fixed());
        assertEquals(0.0, plain.sub(fixed.mul(2)).norm2Number().doubleValue(), 1e-12,
                "DL4J's SameDiff gradient bug changed: plain " + plain + " vs fixed " + fixed);
    }
}

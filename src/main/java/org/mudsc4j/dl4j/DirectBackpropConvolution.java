package org.mudsc4j.dl4j;

import java.util.Collection;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's {@link ConvolutionLayer} without the second forward convolution in backprop.
 *
 * <p>Why: DL4J 1.0.0-M2.1's convolution layer recomputes its whole forward pass inside {@code backpropGradient},
 * only to feed the pre-activation to the activation's derivative, even when the activation is the identity (as in
 * every zoo model: activations are separate vertices). That is a third more convolution work per training step.
 * With an identity activation the derivative is the incoming gradient itself, so this layer hands it straight to
 * the oneDNN helper. Anything else (another activation, no helper, double precision, NHWC, Same mode, dropout or
 * weight noise) takes DL4J's own path. Still an {@code instanceof ConvolutionLayer}, with the same parameters.
 */
public class DirectBackpropConvolution extends ConvolutionLayer {
    private static final long serialVersionUID = 1L;

    /** For JSON deserialisation and {@link #copyOf}. */
    public DirectBackpropConvolution() {
        super();
    }

    public static DirectBackpropConvolution copyOf(ConvolutionLayer source) {
        return LayerConfigCopy.copyInto(ConvolutionLayer.class, source, new DirectBackpropConvolution());
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
                                                       Collection<TrainingListener> listeners, int layerIndex,
                                                       INDArray paramsView, boolean initializeParams,
                                                       DataType networkDataType) {
        return LayerWiring.wire(new Runtime(conf, networkDataType),
                conf, listeners, layerIndex, paramsView, initializeParams);
    }

    /** The runtime layer. */
    static final class Runtime extends org.deeplearning4j.nn.layers.convolution.ConvolutionLayer {
        Runtime(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
            ConvolutionLayer c = layerConf();
            boolean direct = helper != null && helperCountFail == 0 && dataType == DataType.FLOAT
                    && c.getActivationFn() instanceof ActivationIdentity
                    && c.getCnn2dDataFormat() == CNN2DFormat.NCHW && convolutionMode != ConvolutionMode.Same
                    && c.getIDropout() == null && c.getWeightNoise() == null;
            if (!direct) {
                return super.backpropGradient(epsilon, workspaceMgr);
            }
            assertInputSet(true);
            Pair<Gradient, INDArray> ret = helper.backpropGradient(input.castTo(dataType),
                    getParam(ConvolutionParamInitializer.WEIGHT_KEY),
                    hasBias() ? getParam(ConvolutionParamInitializer.BIAS_KEY) : null,
                    epsilon.castTo(dataType), c.getKernelSize(), c.getStride(), c.getPadding(),
                    gradientViews.get(ConvolutionParamInitializer.BIAS_KEY),
                    gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY), c.getActivationFn(),
                    c.getCudnnAlgoMode(), c.getCudnnBwdFilterAlgo(), c.getCudnnBwdDataAlgo(), convolutionMode,
                    c.getDilation(), CNN2DFormat.NCHW, workspaceMgr);
            return ret != null ? ret : super.backpropGradient(epsilon, workspaceMgr);
        }
    }
}

package org.mudsc4j.dl4j;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.exception.DL4JInvalidInputException;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DL4J's {@link ConvolutionLayer} for the training path: oneDNN called directly ({@link OneDnnConvolution}), and
 * no second forward convolution in backprop.
 *
 * <p>Why: DL4J 1.0.0-M2.1's convolution layer recomputes its whole forward pass inside {@code backpropGradient},
 * only to feed the pre-activation to the activation's derivative, even when the activation is the identity (as in
 * every zoo model: activations are separate vertices). And libnd4j's oneDNN ops rebuild their primitives and
 * reorder every activation several times per call (see {@link OneDnn}). With an identity activation the
 * derivative is the incoming gradient itself, so this layer runs the three oneDNN convolutions (forward, backward
 * data, backward weights) on buffers it keeps between steps. Without direct oneDNN it hands the gradient to DL4J's
 * oneDNN helper; anything else (another activation, double precision, NHWC, Same mode, dropout or weight noise)
 * takes DL4J's own path. Still an {@code instanceof ConvolutionLayer}, with the same parameters.
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
        private static final Logger LOG = LoggerFactory.getLogger(DirectBackpropConvolution.class);
        /** Plans per input shape; a few, since an epoch's last batch is usually smaller. */
        private static final int MAX_PLANS = 3;
        private final Map<List<Long>, OneDnnConvolution> plans = new LinkedHashMap<>();
        private boolean oneDnnFailed;
        /** Channel blocks of the input and output activations ({@link ActivationLayouts}); 0: NCHW. */
        private int inputBlock;
        private int outputBlock;

        Runtime(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        /** The configuration is one the direct paths handle: identity activation, NCHW, float, nothing stochastic. */
        boolean directConfig() {
            ConvolutionLayer c = layerConf();
            return dataType == DataType.FLOAT && c.getActivationFn() instanceof ActivationIdentity
                    && c.getCnn2dDataFormat() == CNN2DFormat.NCHW && convolutionMode != ConvolutionMode.Same
                    && c.getIDropout() == null && c.getWeightNoise() == null;
        }

        /** Sets the channel blocks of this layer's input and output (0: NCHW); see {@link ActivationLayouts}. */
        void activationBlocks(int input, int output) {
            if (input != inputBlock || output != outputBlock) {
                inputBlock = input;
                outputBlock = output;
                plans.clear();
            }
        }

        /** The oneDNN plan for this input, or null when DL4J's path must (and, with NCHW activations, may) run. */
        private OneDnnConvolution plan(INDArray x) {
            OneDnnConvolution plan = oneDnnPlan(x);
            if (plan == null && (inputBlock > 0 || outputBlock > 0)) {
                throw new IllegalStateException("Convolution '" + layerConf().getLayerName() + "' holds channel-blocked"
                        + " activations but cannot run on oneDNN (input " + Arrays.toString(x.shape()) + ")");
            }
            return plan;
        }

        private OneDnnConvolution oneDnnPlan(INDArray x) {
            if (oneDnnFailed || !directConfig() || x.rank() != 4 || !OneDnn.available()) {
                return null;
            }
            ConvolutionLayer c = layerConf();
            if (x.size(1) != c.getNIn()) {
                throw new DL4JInvalidInputException("Convolution '" + c.getLayerName() + "': expected " + c.getNIn()
                        + " input channels, got input of shape " + Arrays.toString(x.shape()));
            }
            List<Long> key = List.of(x.size(0), x.size(2), x.size(3));
            OneDnnConvolution plan = plans.get(key);
            if (plan == null) {
                int[] k = c.getKernelSize();
                int[] s = c.getStride();
                int[] p = c.getPadding();
                int[] d = c.getDilation();
                try {
                    plan = new OneDnnConvolution(new OneDnnConvolution.Geometry(x.size(0), x.size(1), x.size(2),
                            x.size(3), c.getNOut(), k[0], k[1], s[0], s[1], p[0], p[1], d[0], d[1], hasBias(), inputBlock,
                            outputBlock));
                } catch (RuntimeException e) { // a oneDNN error: this layer keeps DL4J's path from now on
                    LOG.warn("Convolution '{}': oneDNN primitives for input {} failed ({}); using DL4J's path",
                            c.getLayerName(), Arrays.toString(x.shape()), e.toString());
                    oneDnnFailed = true;
                    return null;
                }
                if (plans.size() >= MAX_PLANS) {
                    plans.remove(plans.keySet().iterator().next());
                }
                plans.put(key, plan);
            }
            return plan;
        }

        @Override
        public double calcRegularizationScore(boolean backpropParamsOnly) {
            double score = L2Score.of(this);
            return Double.isNaN(score) ? super.calcRegularizationScore(backpropParamsOnly) : score;
        }

        /** How many oneDNN plans (input shapes) this layer holds; zero when it runs on DL4J's path. */
        int plans() {
            return plans.size();
        }

        @Override
        public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
            assertInputSet(false);
            OneDnnConvolution plan = plan(input);
            if (plan == null) {
                return super.activate(training, workspaceMgr);
            }
            INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT,
                    plan.geometry().outputShape(), 'c');
            plan.forward(DenseFloats.of(input), DenseFloats.of(getParam(ConvolutionParamInitializer.WEIGHT_KEY)),
                    hasBias() ? DenseFloats.of(getParam(ConvolutionParamInitializer.BIAS_KEY)) : null, out);
            return out;
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
            assertInputSet(true);
            OneDnnConvolution plan = plan(input);
            if (plan != null) {
                return oneDnnBackprop(plan, epsilon, workspaceMgr);
            }
            if (!directConfig() || helper == null || helperCountFail != 0) {
                return super.backpropGradient(epsilon, workspaceMgr);
            }
            ConvolutionLayer c = layerConf();
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

        private Pair<Gradient, INDArray> oneDnnBackprop(OneDnnConvolution plan, INDArray epsilon,
                                                        LayerWorkspaceMgr workspaceMgr) {
            INDArray weightGrad = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
            INDArray biasGrad = hasBias() ? gradientViews.get(ConvolutionParamInitializer.BIAS_KEY) : null;
            INDArray inputGrad = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT,
                    input.shape(), 'c');
            // gradient views are dense slices of the flat gradient array, so oneDNN normally writes into them
            INDArray dw = DenseFloats.of(weightGrad);
            INDArray db = biasGrad == null ? null : DenseFloats.of(biasGrad);
            plan.backward(DenseFloats.of(input), DenseFloats.of(epsilon),
                    DenseFloats.of(getParam(ConvolutionParamInitializer.WEIGHT_KEY)), inputGrad, dw, db);
            if (dw != weightGrad) {
                weightGrad.assign(dw);
            }
            if (db != biasGrad) {
                biasGrad.assign(db);
            }
            Gradient g = new DefaultGradient();
            if (hasBias()) {
                g.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, biasGrad);
            }
            g.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, weightGrad, 'c');
            weightNoiseParams.clear();
            return new Pair<>(g, inputGrad);
        }
    }
}

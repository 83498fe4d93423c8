package org.mudsc4j.dl4j;

import java.util.Collection;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's {@link ActivationLayer} with a plain ReLU computed out of place.
 *
 * <p>Why: in training, DL4J's activation layer copies its input and applies the ReLU in place on the copy, and in
 * backprop copies the input again before taking the derivative: four passes over the tensor where two do (one
 * {@code max(x, 0)} into a new array; {@code dy·[x > 0]} into a new array; each one oneDNN primitive,
 * {@link OneDnnRelu}, when oneDNN is available). It also applies the activation in
 * place on its input in inference, which silently overwrites the previous vertex's output (DL4J-NOTES, the
 * aliasing trap); this layer never writes to its input. Other activations take DL4J's path. Still an
 * {@code instanceof ActivationLayer}.
 */
public class DirectReluActivation extends ActivationLayer {
    private static final long serialVersionUID = 1L;

    /** For JSON deserialisation and {@link #copyOf}. */
    public DirectReluActivation() {
        super();
    }

    public static DirectReluActivation copyOf(ActivationLayer source) {
        return LayerConfigCopy.copyInto(ActivationLayer.class, source, new DirectReluActivation());
    }

    @Override
    public DirectReluActivation clone() {
        return (DirectReluActivation) super.clone();
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
    static final class Runtime extends org.deeplearning4j.nn.layers.ActivationLayer {
        private OneDnnRelu plan;

        Runtime(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        /** oneDNN's ReLU for {@code x}, or null when ND4J's ops must run (no oneDNN, or not dense float). */
        private OneDnnRelu plan(INDArray x) {
            if (!OneDnn.available() || !DenseFloats.isDense(x)) {
                return null;
            }
            if (plan == null || plan.length() != x.length()) {
                plan = new OneDnnRelu(x.length());
            }
            return plan;
        }

        boolean plainRelu() {
            return new ActivationReLU().equals(layerConf().getActivationFn())
                    && layerConf().getIDropout() == null;
        }

        @Override
        public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
            if (!plainRelu()) {
                return super.activate(training, workspaceMgr);
            }
            assertInputSet(false);
            INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, input.dataType(), input.shape(), 'c');
            OneDnnRelu relu = plan(input);
            if (relu != null) {
                relu.forward(input, out);
            } else {
                Nd4j.exec(new RectifiedLinear(input, out));
            }
            return out;
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
            if (!plainRelu()) {
                return super.backpropGradient(epsilon, workspaceMgr);
            }
            assertInputSet(true);
            INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape(),
                    'c');
            OneDnnRelu relu = plan(input);
            if (relu != null && DenseFloats.isDense(epsilon)) {
                relu.backward(input, epsilon, dx);
            } else {
                // dy·[x > 0] as a step mask multiplied in place: half the time of libnd4j's RectifiedLinearDerivative
                Nd4j.exec(new Step(input, dx));
                Nd4j.exec(new MulOp(dx, epsilon, dx));
            }
            return new Pair<>(new DefaultGradient(), dx);
        }
    }
}

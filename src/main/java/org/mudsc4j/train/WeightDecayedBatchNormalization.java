package org.mudsc4j.train;

import org.mudsc4j.dl4j.DirectBatchNormLayer;
import org.mudsc4j.dl4j.LayerWiring;
import org.mudsc4j.dl4j.LayerConfigCopy;

import java.util.Collection;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.nd4j.linalg.learning.regularization.Regularization;

import java.util.List;

/**
 * DL4J's {@link BatchNormalization} with regularisation on γ and β.
 *
 * <p>Why it exists: DL4J 1.0.0-M2.1's {@code BatchNormalization.getRegularizationByParam} always returns null,
 * so {@code .l2(..)}/{@code .l2Bias(..)} never reach γ/β, while the reference (PyTorch SGD with
 * {@code weight_decay}) decays every parameter except the running statistics. This subclass returns the
 * layer's weight regularisation for γ and β and none for the running mean/variance (which DL4J updates by
 * moving average, not by gradient). Behaviour is otherwise identical, and it is still an
 * {@code instanceof BatchNormalization}. It can go once DL4J regularises BN parameters itself.
 */
public class WeightDecayedBatchNormalization extends BatchNormalization {
    private static final long serialVersionUID = 1L;

    /** For JSON deserialisation and {@link #copyOf}. */
    public WeightDecayedBatchNormalization() {
        super();
    }

    /**
     * A field-by-field copy of {@code source} (BatchNormalization's builder constructor is private, and this
     * subclass adds no fields, so copying every inherited field reproduces the configuration exactly).
     */
    public static WeightDecayedBatchNormalization copyOf(BatchNormalization source) {
        return LayerConfigCopy.copyInto(BatchNormalization.class, source, new WeightDecayedBatchNormalization());
    }

    /** The training path's runtime layer: DL4J's, with the float NCHW training pass on hand-written kernels. */
    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
                                                       Collection<TrainingListener> listeners, int layerIndex,
                                                       INDArray paramsView, boolean initializeParams,
                                                       DataType networkDataType) {
        LayerValidation.assertNOutSet("BatchNormalization", getLayerName(), layerIndex, getNOut());
        return LayerWiring.wire(new DirectBatchNormLayer(conf, networkDataType),
                conf, listeners, layerIndex, paramsView, initializeParams);
    }

    @Override
    public List<Regularization> getRegularizationByParam(String paramName) {
        if (BatchNormalizationParamInitializer.GAMMA.equals(paramName)
                || BatchNormalizationParamInitializer.BETA.equals(paramName)) {
            return regularization;
        }
        return null; // running mean / variance / log10 std: statistics, not trained by gradient
    }
}

package org.mudsc4j.train;

import org.mudsc4j.dl4j.DirectBatchNormalization;
import org.mudsc4j.dl4j.LayerConfigCopy;

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
 * {@code instanceof BatchNormalization}; its runtime layer is {@link DirectBatchNormalization}'s. The regularisation
 * override can go once DL4J regularises BN parameters itself.
 */
public class WeightDecayedBatchNormalization extends DirectBatchNormalization {
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

    @Override
    public List<Regularization> getRegularizationByParam(String paramName) {
        if (BatchNormalizationParamInitializer.GAMMA.equals(paramName)
                || BatchNormalizationParamInitializer.BETA.equals(paramName)) {
            return regularization;
        }
        return null; // running mean / variance / log10 std: statistics, not trained by gradient
    }
}

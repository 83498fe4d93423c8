package org.mudsc4j.dl4j;

import java.util.Collection;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's {@link BatchNormalization} configuration whose runtime layer is {@link DirectBatchNormLayer} (training and
 * inference passes on hand-written kernels, same results as DL4J's). Still an {@code instanceof BatchNormalization}.
 */
public class DirectBatchNormalization extends BatchNormalization {
    private static final long serialVersionUID = 1L;

    /** For JSON deserialisation and {@link #copyOf}. */
    public DirectBatchNormalization() {
        super();
    }

    /** A field-by-field copy of {@code source} (BatchNormalization's builder constructor is private). */
    public static DirectBatchNormalization copyOf(BatchNormalization source) {
        return LayerConfigCopy.copyInto(BatchNormalization.class, source, new DirectBatchNormalization());
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
                                                       Collection<TrainingListener> listeners, int layerIndex,
                                                       INDArray paramsView, boolean initializeParams,
                                                       DataType networkDataType) {
        LayerValidation.assertNOutSet("BatchNormalization", getLayerName(), layerIndex, getNOut());
        return LayerWiring.wire(new DirectBatchNormLayer(conf, networkDataType),
                conf, listeners, layerIndex, paramsView, initializeParams);
    }
}

package org.mudsc4j.dl4j;

import java.util.Collection;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The wiring every DL4J layer configuration's {@code instantiate} does to a new runtime layer. */
public final class LayerWiring {
    private LayerWiring() {
    }

    /** Sets listeners, index, parameter view and table (initialised when asked) and configuration; returns {@code layer}. */
    public static <L extends Layer> L wire(L layer, NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
                                           int index, INDArray paramsView, boolean initializeParams) {
        layer.setListeners(listeners);
        layer.setIndex(index);
        layer.setParamsViewArray(paramsView);
        layer.setParamTable(conf.getLayer().initializer().init(conf, paramsView, initializeParams));
        layer.setConf(conf);
        return layer;
    }
}

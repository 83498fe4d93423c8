package org.mudsc4j.dl4j;

import java.util.Collection;
import java.util.Map;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Base class for every SameDiff layer of the project: it instantiates {@link FixedGradSameDiffRuntimeLayer}
 * instead of DL4J's runtime layer, which repairs two DL4J 1.0.0-M2.1 defects.
 *
 * <ul>
 *   <li>Gradients come back exactly 2x too large (the external-errors function registers the incoming epsilon
 *       twice); the runtime layer halves the epsilon, which is exact because backprop is linear in it.</li>
 *   <li>{@code setParam} validates the shape but never copies; the runtime layer copies.</li>
 * </ul>
 *
 * <p>Subclasses must end {@code defineLayer} with a broadcast parameter add or a real op whose gradient is a new
 * variable (see DL4J-NOTES.md): a last op that forwards its gradient unchanged crashes backprop.
 *
 * <p>When to remove: {@code SameDiffGradientBugTest} asserts that an unfixed DL4J SameDiff layer still fails a
 * gradient check with ratio 2; once it passes on a new DL4J version, this class must go.
 */
public abstract class FixedGradSameDiffLayer extends SameDiffLayer {

    protected FixedGradSameDiffLayer() {
        // for JSON deserialisation
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
                             INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        FixedGradSameDiffRuntimeLayer layer = new FixedGradSameDiffRuntimeLayer(conf, networkDataType);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(layerParamsView);
        Map<String, INDArray> table = initializer().init(conf, layerParamsView, initializeParams);
        layer.setParamTable(table);
        layer.setConf(conf);
        return layer;
    }

    /**
     * Reshapes {@code x} to {@code [batch, tail...]} where the batch size is read from the graph at run time, so
     * a layer works for any minibatch size; {@code tail} may contain one {@code -1}.
     */
    protected static SDVariable reshapeKeepBatch(SameDiff sd, SDVariable x, long... tail) {
        SDVariable batch = x.shape().get(SDIndex.interval(0, 1));
        SDVariable rest = sd.constant(Nd4j.createFromArray(tail).castTo(batch.dataType()));
        return sd.reshape(x, sd.concat(0, batch, rest));
    }
}

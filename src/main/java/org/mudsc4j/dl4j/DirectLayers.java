package org.mudsc4j.dl4j;

import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Layer;

/**
 * Which DL4J configurations have a direct replacement here (same results, faster): plain convolutions
 * ({@link DirectBackpropConvolution}), activation layers ({@link DirectReluActivation}, which keeps DL4J's path for
 * anything but ReLU), BatchNorm ({@link DirectBatchNormalization}) and residual adds ({@link DirectAddVertex}).
 */
public final class DirectLayers {
    private DirectLayers() {
    }

    /** The direct replacement of a plain convolution or activation layer configuration, or null when it has none. */
    public static Layer convolutionOrActivation(Layer layer) {
        if (layer.getClass() == ConvolutionLayer.class) {
            return DirectBackpropConvolution.copyOf((ConvolutionLayer) layer);
        }
        if (layer.getClass() == ActivationLayer.class) {
            return DirectReluActivation.copyOf((ActivationLayer) layer);
        }
        return null;
    }

    /** The direct replacement of a plain residual add, or null for any other vertex. */
    public static GraphVertex addVertex(GraphVertex vertex) {
        return vertex.getClass() == ElementWiseVertex.class && ((ElementWiseVertex) vertex).getOp() == ElementWiseVertex.Op.Add
                ? new DirectAddVertex() : null;
    }

    /**
     * Puts every replaceable vertex of {@code conf} on its direct replacement, in place (BatchNorm configurations
     * that already have a direct runtime layer stay as they are).
     *
     * @return whether anything was replaced
     */
    public static boolean replaceAll(ComputationGraphConfiguration conf) {
        boolean changed = false;
        for (Map.Entry<String, GraphVertex> e : conf.getVertices().entrySet()) {
            GraphVertex add = addVertex(e.getValue());
            if (add != null) {
                e.setValue(add);
                changed = true;
            } else if (e.getValue() instanceof LayerVertex vertex) {
                Layer layer = vertex.getLayerConf().getLayer();
                Layer direct = layer instanceof BatchNormalization bn && !(bn instanceof DirectBatchNormalization)
                        ? DirectBatchNormalization.copyOf(bn) : convolutionOrActivation(layer);
                if (direct != null) {
                    vertex.getLayerConf().setLayer(direct);
                    changed = true;
                }
            }
        }
        return changed;
    }
}

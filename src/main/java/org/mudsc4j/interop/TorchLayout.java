package org.mudsc4j.interop;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.recurrent.TimeDistributed;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.mudsc4j.zoo.layers.ClassTokenEmbedding;
import org.mudsc4j.zoo.layers.GroupNorm;
import org.mudsc4j.zoo.layers.TokenLayerNorm;

/**
 * How each DL4J parameter of a zoo graph maps to a PyTorch {@code state_dict} entry. Vertex names already mirror
 * the reference's module names (ALGORITHM §2), so a tensor's name is {@code <vertex>.<suffix>}; what differs is the
 * suffix, the layout (dense weights are transposed, norm vectors are rank 1, the ViT's class token and position
 * embedding keep D last) and BatchNorm's running variance, which DL4J stores as {@code log10(sqrt(var + eps))}.
 */
public final class TorchLayout {

    /** How values move between the two layouts. */
    public enum Conversion {
        /** Same shape and order (conv weights, biases, BN γ/β/mean). */
        SAME,
        /** DL4J [in, out] ↔ PyTorch [out, in]. */
        TRANSPOSE,
        /** DL4J [1, C] ↔ PyTorch [C]. */
        FLATTEN,
        /** DL4J log10(sqrt(var + eps)) ↔ PyTorch running_var. */
        LOG10_STD_TO_VAR,
        /** DL4J [1, D, T] ↔ PyTorch [1, T, D] (cls_token, pos_embed). */
        TOKENS_LAST
    }

    /**
     * @param dl4jKey   DL4J parameter key {@code <vertex>_<param>}
     * @param torchName PyTorch state_dict name
     * @param conversion layout change
     * @param eps       BatchNorm epsilon (only for {@link Conversion#LOG10_STD_TO_VAR})
     */
    public record Entry(String dl4jKey, String torchName, Conversion conversion, double eps) {
    }

    private TorchLayout() {
    }

    /** Names of the BatchNorm layers, whose {@code num_batches_tracked} buffers PyTorch also stores. */
    public static List<String> batchNormVertices(ComputationGraph graph) {
        List<String> out = new ArrayList<>();
        for (var e : graph.getConfiguration().getVertices().entrySet()) {
            if (e.getValue() instanceof LayerVertex lv && lv.getLayerConf().getLayer() instanceof BatchNormalization) {
                out.add(e.getKey());
            }
        }
        return out;
    }

    /** Every parameter of the graph with its PyTorch counterpart, in the graph's parameter order. */
    public static List<Entry> of(ComputationGraph graph) {
        ComputationGraphConfiguration conf = graph.getConfiguration();
        List<Entry> out = new ArrayList<>();
        for (String key : graph.paramTable().keySet()) {
            int cut = key.lastIndexOf('_');
            String vertex = key.substring(0, cut);
            String param = key.substring(cut + 1);
            Layer layer = conf.getVertices().get(vertex) instanceof LayerVertex lv ? lv.getLayerConf().getLayer() : null;
            out.add(entry(key, vertex, param, layer));
        }
        return out;
    }

    private static Entry entry(String key, String vertex, String param, Layer layer) {
        if (layer instanceof ConvolutionLayer) {
            return new Entry(key, vertex + (param.equals("W") ? ".weight" : ".bias"), Conversion.SAME, 0);
        }
        if (layer instanceof DenseLayer || layer instanceof TimeDistributed || layer instanceof BaseOutputLayer) {
            return param.equals("W") ? new Entry(key, vertex + ".weight", Conversion.TRANSPOSE, 0)
                    : new Entry(key, vertex + ".bias", Conversion.SAME, 0);
        }
        if (layer instanceof BatchNormalization bn) {
            return switch (param) {
                case "gamma" -> new Entry(key, vertex + ".weight", Conversion.SAME, 0);
                case "beta" -> new Entry(key, vertex + ".bias", Conversion.SAME, 0);
                case "mean" -> new Entry(key, vertex + ".running_mean", Conversion.SAME, 0);
                case "log10stdev" -> new Entry(key, vertex + ".running_var", Conversion.LOG10_STD_TO_VAR, bn.getEps());
                case "var" -> new Entry(key, vertex + ".running_var", Conversion.SAME, 0);
                default -> throw unsupported(key, layer);
            };
        }
        if (layer instanceof GroupNorm || layer instanceof TokenLayerNorm) {
            return new Entry(key, vertex + (param.equals("gamma") ? ".weight" : ".bias"), Conversion.FLATTEN, 0);
        }
        if (layer instanceof ClassTokenEmbedding) {
            // timm keeps these at the model's top level.
            return new Entry(key, param.equals(ClassTokenEmbedding.CLS) ? "cls_token" : "pos_embed",
                    Conversion.TOKENS_LAST, 0);
        }
        throw unsupported(key, layer);
    }

    private static IllegalArgumentException unsupported(String key, Layer layer) {
        return new IllegalArgumentException("no PyTorch name for parameter " + key + " of "
                + (layer == null ? "a non-layer vertex" : layer.getClass().getSimpleName()));
    }
}

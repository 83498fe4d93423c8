package org.mudsc4j.dl4j;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.impl.LayerVertex;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Keeps the activations between training-path layers in oneDNN's channel-blocked layout ({@code nChw8c} on AVX2, {@code nChw16c} on AVX-512)
 * for as long as this object is open, and puts every layer back on NCHW when it is closed.
 *
 * <p>Why: with NCHW activations every oneDNN convolution reorders its input and output into and out of the blocked
 * layout, in both directions: four passes over each activation per step, about 10 % of a ResNet-20 ×1 training step
 * here. Between two convolutions sit only BatchNorm (oneDNN's own primitive on the blocked layout,
 * {@link OneDnnBatchNorm}), ReLU and residual adds, and the last two are element-wise, so they do not care how the
 * channels are ordered. The arrays keep their NCHW shape; only the order of their elements changes.
 *
 * <p>Which tensors are blocked: the output of every direct convolution, BatchNorm, ReLU or add vertex whose channels
 * are a multiple of the block, unless a consumer is another kind of vertex (pooling, a dense layer, a network output)
 * or a layout-preserving consumer (BatchNorm, ReLU, add) also reads a tensor that must stay NCHW. The graph's input
 * and outputs are always NCHW, so the first convolution reads NCHW and the network's results are unchanged.
 *
 * <p>Training passes ({@code fit}) and the inference passes of {@link FastForward} (BatchNorm's inference path has a
 * blocked kernel too); activations read out of the graph must come back through {@link #nchw}. Off with
 * {@code -Dmudsc4j.blocked=false}, and whenever direct oneDNN is off ({@link OneDnn}).
 */
public final class ActivationLayouts implements AutoCloseable {
    public static final String PROPERTY = "mudsc4j.blocked";

    private enum Role { CONVOLUTION, PRESERVING, OTHER }

    private final List<Runnable> resets = new ArrayList<>();
    private final Set<String> blockedTensors;
    private final int block;

    private ActivationLayouts(Set<String> blockedTensors, int block) {
        this.blockedTensors = blockedTensors;
        this.block = block;
    }

    /**
     * Switches {@code net}'s eligible activations to the blocked layout until {@link #close()}: the block oneDNN
     * prefers on this CPU, none with {@code -Dmudsc4j.blocked=false}, or the one forced by {@code -Dmudsc4j.blocked=8}
     * or {@code 16} (both are correct on every CPU; the other one only costs a reorder inside each convolution).
     */
    public static ActivationLayouts blocked(ComputationGraph net) {
        String setting = System.getProperty(PROPERTY, "true").trim();
        return switch (setting.toLowerCase(java.util.Locale.ROOT)) {
            case "false" -> blocked(net, 0);
            case "true", "" -> blocked(net, OneDnn.activationBlock());
            case "8", "16" -> blocked(net, OneDnn.available() ? Integer.parseInt(setting) : 0);
            default -> throw new IllegalArgumentException("-D" + PROPERTY + "=" + setting
                    + ": expected true, false, 8 or 16");
        };
    }

    /**
     * As {@link #blocked(ComputationGraph)} with channel block {@code block} (0, 8 or 16; 0 keeps NCHW). Tensors
     * whose channel count is not a multiple of the block stay NCHW, so no layer ever sees a padded buffer.
     */
    public static ActivationLayouts blocked(ComputationGraph net, int block) {
        if (block != 0 && block != 8 && block != 16) {
            throw new IllegalArgumentException("Unsupported channel block " + block + "; expected 0, 8 or 16");
        }
        if (block > 0 && !OneDnn.available()) {
            throw new IllegalStateException("Channel-blocked activations need direct oneDNN, which is not available");
        }
        if (block == 0) {
            return new ActivationLayouts(Set.of(), 0);
        }
        Set<String> blocked = blockedTensors(net, block);
        ActivationLayouts layouts = new ActivationLayouts(blocked, block);
        Map<String, List<String>> inputs = net.getConfiguration().getVertexInputs();
        for (String name : inputs.keySet()) {
            Layer layer = layerOf(net.getVertex(name));
            int out = blocked.contains(name) ? block : 0;
            if (layer instanceof DirectBackpropConvolution.Runtime conv) {
                int in = blocked.contains(inputs.get(name).get(0)) ? block : 0;
                if (in > 0 || out > 0) {
                    conv.activationBlocks(in, out);
                    layouts.resets.add(() -> conv.activationBlocks(0, 0));
                }
            } else if (layer instanceof DirectBatchNormLayer bn && out > 0) {
                bn.activationBlock(out);
                layouts.resets.add(() -> bn.activationBlock(0));
            }
        }
        return layouts;
    }

    /** The vertices whose output tensors are blocked (for tests and logs). */
    public Set<String> blockedTensors() {
        return blockedTensors;
    }

    /** The channel block in use, 0 when everything stays NCHW. */
    public int block() {
        return block;
    }

    /**
     * An NCHW copy of a tensor this object keeps blocked (for passes that hand activations to code outside
     * {@code dl4j}); any other tensor is returned as it is.
     */
    public INDArray nchw(String vertex, INDArray a) {
        if (!blockedTensors.contains(vertex)) {
            return a;
        }
        int n = (int) a.size(0), c = (int) a.size(1);
        int hw = (int) (a.length() / ((long) n * c));
        int blocks = c / block;
        java.nio.FloatBuffer in = DenseFloats.buffer(DenseFloats.of(a));
        float[] out = new float[(int) a.length()];
        java.util.stream.IntStream.range(0, n * blocks).parallel().forEach(sb -> {
            int s = sb / blocks, c0 = (sb % blocks) * block, src = sb * hw * block;
            for (int p = 0; p < hw; p++) {
                for (int j = 0; j < block; j++) {
                    out[(s * c + c0 + j) * hw + p] = in.get(src + p * block + j);
                }
            }
        });
        return Nd4j.create(out, a.shape(), 'c');
    }

    /**
     * A tensor with its channel axis at 1 (NCHW, blocked, {@code [B, C]} or {@code [B, C, T]}) as channel-major rows:
     * row c holds channel c at every image and position, image-major ({@code values[c·S + b·R + r]}, S = B·R). What
     * the feature pass correlates; one pass over the tensor, without an NCHW copy in between.
     *
     * @param layouts the open layouts the tensor came from, or null when every tensor is plain row-major
     */
    public static ChannelRows channelRows(ActivationLayouts layouts, String vertex, INDArray a) {
        if (a.rank() < 2) {
            throw new IllegalArgumentException("activation of " + vertex + " has shape "
                    + java.util.Arrays.toString(a.shape()) + "; expected a channel axis at 1");
        }
        int n = (int) a.size(0), c = (int) a.size(1);
        int r = (int) (a.length() / ((long) n * c));
        int samples = Math.multiplyExact(n, r);
        float[] in = new float[Math.toIntExact(a.length())];
        DenseFloats.buffer(DenseFloats.of(a)).get(0, in, 0, in.length);
        float[] out = new float[in.length];
        int block = layouts != null && layouts.blockedTensors.contains(vertex) ? layouts.block : 0;
        // images are independent: split them over the cores (a 16-channel tensor has a single 16-block)
        java.util.stream.IntStream.range(0, n).parallel().forEach(b -> {
            if (block == 0) { // [B, C, R]: one contiguous run of R values per image and channel
                for (int ch = 0; ch < c; ch++) {
                    System.arraycopy(in, (b * c + ch) * r, out, ch * samples + b * r, r);
                }
            } else { // [B, C/k, R, k]: each run of k values holds k channels of one position
                int blocks = c / block;
                for (int blk = 0; blk < blocks; blk++) {
                    int src = (b * blocks + blk) * r * block;
                    int dst = blk * block * samples + b * r;
                    for (int p = 0; p < r; p++) {
                        int s = src + p * block;
                        for (int j = 0; j < block; j++) {
                            out[dst + j * samples + p] = in[s + j];
                        }
                    }
                }
            }
        });
        return new ChannelRows(out, c, samples);
    }

    /**
     * Channel-major activation rows: channel c's values at every sample lie at {@code values[c·samples, (c+1)·samples)}.
     */
    public record ChannelRows(float[] values, int channels, int samples) {
    }

    /** Puts every layer back on NCHW activations. */
    @Override
    public void close() {
        resets.forEach(Runnable::run);
        resets.clear();
    }

    /**
     * The largest set of vertices whose outputs can be blocked: start from every eligible vertex and drop those that
     * break a rule until none does (the rules only ever remove, so this ends).
     */
    static Set<String> blockedTensors(ComputationGraph net, int block) {
        ComputationGraphConfiguration conf = net.getConfiguration();
        Map<String, List<String>> inputs = conf.getVertexInputs();
        Map<String, List<String>> consumers = new HashMap<>();
        Map<String, Role> roles = new HashMap<>();
        Set<String> blocked = new LinkedHashSet<>();
        for (Map.Entry<String, List<String>> e : inputs.entrySet()) {
            for (String in : e.getValue()) {
                consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(e.getKey());
            }
            roles.put(e.getKey(), role(net.getVertex(e.getKey()), block));
        }
        for (String name : inputs.keySet()) {
            if (roles.get(name) != Role.OTHER && !conf.getNetworkOutputs().contains(name)
                    && (roles.get(name) != Role.CONVOLUTION || outputChannels(net.getVertex(name)) % block == 0)) {
                blocked.add(name);
            }
        }
        boolean changed = true;
        while (changed) {
            changed = blocked.removeIf(name -> {
                if (roles.get(name) == Role.PRESERVING
                        && !blocked.containsAll(inputs.get(name))) {
                    return true; // its output has its inputs' layout, and one of them is NCHW
                }
                for (String c : consumers.getOrDefault(name, List.of())) {
                    Role r = roles.get(c);
                    if (r == Role.OTHER || r == Role.PRESERVING && !blocked.contains(c)) {
                        return true; // a consumer reads NCHW only
                    }
                }
                return false;
            });
        }
        return blocked;
    }

    /** What a vertex can do with blocked activations. */
    private static Role role(GraphVertex v, int block) {
        Layer layer = layerOf(v);
        if (layer == null) {
            return v instanceof DirectAddVertex.Runtime ? Role.PRESERVING : Role.OTHER;
        }
        if (((LayerVertex) v).getLayerPreProcessor() != null) {
            return Role.OTHER;
        }
        if (layer instanceof DirectBackpropConvolution.Runtime conv) {
            return conv.directConfig() ? Role.CONVOLUTION : Role.OTHER; // reads either layout
        }
        if (layer instanceof DirectBatchNormLayer bn) {
            return bn.directConfig() && bn.layerConf().getNOut() % block == 0 ? Role.PRESERVING : Role.OTHER;
        }
        if (layer instanceof DirectReluActivation.Runtime relu) {
            return relu.plainRelu() ? Role.PRESERVING : Role.OTHER;
        }
        return Role.OTHER;
    }

    private static long outputChannels(GraphVertex v) {
        return ((DirectBackpropConvolution.Runtime) layerOf(v)).layerConf().getNOut();
    }

    private static Layer layerOf(GraphVertex v) {
        return v != null && v.hasLayer() && v instanceof LayerVertex ? v.getLayer() : null;
    }
}

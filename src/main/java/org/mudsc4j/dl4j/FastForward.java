package org.mudsc4j.dl4j;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.workspace.ND4JWorkspaceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The forward passes every merge runs outside training, by what they do: network outputs (evaluation), chosen
 * activations (the feature pass) and the input moments of every BatchNorm in a training-mode pass (BatchNorm
 * re-estimation).
 *
 * <p>Why: trained, imported and merged graphs carry DL4J's stock layers, whose inference path is 5–10× slower than
 * the direct layers training runs on (stock convolutions alone took ~6 ms per layer and 100-image batch on
 * Fashion-MNIST). {@link #of} builds a twin of the graph on the direct layers ({@link DirectLayers}) that
 * <b>shares the graph's parameter buffer</b>, so it costs no copy and sees every later write to the graph (and the
 * graph sees the BatchNorm statistics written through it). The passes then read only what they need: DL4J's
 * {@code output} for outputs and chosen vertices instead of {@code feedForward}'s detached copy of every activation,
 * and the batch moments the direct BatchNorm layer computes anyway instead of a second reduction.
 *
 * <p>Off with {@code -Dmudsc4j.fastForward=false}: the passes then run on the graph itself as they did before
 * ({@code feedForward} and a reduction per BatchNorm input), which the tests compare against.
 */
public final class FastForward implements AutoCloseable {
    public static final String PROPERTY = "mudsc4j.fastForward";
    /** Switch of the fused oneDNN chain ({@link FusedForward}); with it off, the passes run on the direct twin. */
    public static final String FUSED_PROPERTY = "mudsc4j.fusedForward";
    private static final Logger LOG = LoggerFactory.getLogger(FastForward.class);

    private final ComputationGraph graph;
    private final ComputationGraph runner;
    private boolean copyAllActivations;
    private boolean reduceEveryInput;
    /** The twin's channel-blocked activations, open from the first pass until {@link #close()}. */
    private ActivationLayouts layouts;
    /** The fused oneDNN chain ({@link FusedForward}) of a graph that fits it, compiled by the first pass. */
    private FusedForward fused;
    private boolean fusedTried;

    /** Whether the fused chain may run (decided when the passes are opened, as the twin is). */
    private final boolean fusedAllowed;

    private FastForward(ComputationGraph graph, ComputationGraph runner) {
        this.graph = graph;
        this.runner = runner;
        this.fusedAllowed = runner != null && FusedForward.enabled();
    }

    /** Whether the direct twin is used (the default). */
    public static boolean enabled() {
        return Switches.on(PROPERTY);
    }

    /** The passes of {@code graph}: on a direct twin sharing its parameters, or on the graph itself when off. */
    public static FastForward of(ComputationGraph graph) {
        Dl4jRuntime.init();
        if (!enabled()) {
            return new FastForward(graph, null);
        }
        ComputationGraphConfiguration conf = graph.getConfiguration().clone();
        if (!DirectLayers.replaceAll(conf)) {
            return new FastForward(graph, graph); // already on direct layers (a freshly trained graph)
        }
        ComputationGraph twin = new ComputationGraph(conf);
        twin.init(graph.params(), false); // no clone: the twin's parameters are views of the graph's buffer
        return new FastForward(graph, twin);
    }

    /** Whether the passes run on a direct twin or on direct layers (false: DL4J's stock passes). */
    public boolean direct() {
        return runner != null;
    }

    /** The vertices whose outputs are channel-blocked while the passes run (empty before the first one). */
    java.util.Set<String> blockedTensors() {
        return layouts == null ? java.util.Set.of() : layouts.blockedTensors();
    }

    /** The network's single output in inference mode. */
    public INDArray output(INDArray x) {
        if (runner == null) {
            return graph.outputSingle(false, x);
        }
        if (fusedChain() != null && x.rank() == 4) {
            return fused.output(x);
        }
        openLayouts();
        return runner.outputSingle(false, x);
    }

    /** The fused oneDNN chain of the graph ({@link FusedForward}), compiled on first use; null when it has none. */
    FusedForward fusedChain() {
        if (!fusedTried) {
            fusedTried = true;
            fused = fusedAllowed ? FusedForward.compile(graph) : null;
        }
        return fused;
    }

    /** The inference-mode outputs of the named vertices (detached NCHW, safe to keep); null for a name the graph lacks. */
    public Map<String, INDArray> activations(INDArray x, List<String> vertices) {
        Map<String, INDArray> out = rawActivations(x, vertices);
        out.replaceAll((n, a) -> a == null || layouts == null ? a : layouts.nchw(n, a));
        return out;
    }

    /**
     * The inference-mode outputs of the named vertices as channel-major rows (what the feature pass correlates, read
     * straight from the blocked layout); null for a name the graph lacks. The arrays may be reused by the next call
     * with the same input shape: read them before the next batch, or copy them.
     */
    public Map<String, ActivationLayouts.ChannelRows> channelRows(INDArray x, List<String> vertices) {
        if (!copyAllActivations && fusedChain() != null && x.rank() == 4) {
            Map<String, ActivationLayouts.ChannelRows> rows = fused.channelRows(x, vertices);
            if (rows != null) {
                return rows;
            }
        }
        Map<String, ActivationLayouts.ChannelRows> out = new LinkedHashMap<>();
        rawActivations(x, vertices).forEach((n, a) ->
                out.put(n, a == null ? null : ActivationLayouts.channelRows(layouts, n, a)));
        return out;
    }

    /** The named vertices' outputs as the twin left them: blocked where {@link #layouts} says so. */
    private Map<String, INDArray> rawActivations(INDArray x, List<String> vertices) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        List<String> names = new ArrayList<>();
        for (String n : new LinkedHashSet<>(vertices)) {
            out.put(n, null);
            if (graph.getVertex(n) != null) {
                names.add(n);
            }
        }
        if (names.isEmpty()) {
            return out;
        }
        if (runner != null && !copyAllActivations) {
            openLayouts();
            try {
                INDArray[] acts = runner.output(names, false, new INDArray[] {x}, null);
                for (int i = 0; i < names.size(); i++) {
                    out.put(names.get(i), acts[i]);
                }
                return out;
            } catch (ND4JWorkspaceException e) {
                // DL4J M2.1's output(layers, ...) loses a workspace around SameDiff layers (the ViT): copy everything
                LOG.debug("output of chosen vertices failed ({}); using feedForward", e.getMessage());
                copyAllActivations = true;
                leaveLeakedWorkspaces();
            }
        }
        closeLayouts(); // feedForward hands out every activation as it is: NCHW only
        Map<String, INDArray> all = (runner != null ? runner : graph).feedForward(x, false);
        for (String n : names) {
            out.put(n, all.get(n));
        }
        return out;
    }

    /**
     * The failed {@code output(layers, …)} call above leaves its activation workspace open on this thread (seen on a
     * dense MLP with a CNN-to-dense preprocessor and on SameDiff layers), and DL4J's {@code output} refuses to run
     * while any workspace is open, so every later evaluation on this thread would fail. {@code output} itself requires
     * that none be open when it starts, so any scope still open here was left by that call: leave it.
     */
    private static void leaveLeakedWorkspaces() {
        for (MemoryWorkspace ws : Nd4j.getWorkspaceManager().getAllWorkspacesForCurrentThread()) {
            for (int guard = 0; ws.isScopeActive() && guard < 64; guard++) {
                ws.close();
            }
        }
    }

    /** Per-channel moments of one tensor: mean, biased variance and how many values each channel had. */
    public record ChannelMoments(double[] mean, double[] biasedVariance, long samplesPerChannel) {
        /** The variance with divisor {@code samplesPerChannel − 1}. */
        public double[] unbiasedVariance() {
            double[] v = biasedVariance.clone();
            double f = samplesPerChannel / (samplesPerChannel - 1.0);
            for (int c = 0; c < v.length; c++) {
                v[c] *= f;
            }
            return v;
        }
    }

    /**
     * One training-mode pass (every BatchNorm normalises with its batch's statistics, nothing is updated) and the
     * channel moments of each named BatchNorm vertex's input, in the given order.
     */
    public List<ChannelMoments> batchNormInputMoments(INDArray x, List<String> bnVertices) {
        if (runner != null && !reduceEveryInput) {
            if (fusedChain() != null && x.rank() == 4) {
                List<ChannelMoments> moments = fused.batchNormMoments(x, bnVertices);
                if (moments != null) {
                    return moments;
                }
            }
            openLayouts();
            runner.output(true, x);
            List<ChannelMoments> out = new ArrayList<>();
            for (String name : bnVertices) {
                GraphVertex v = runner.getVertex(name);
                ChannelMoments m = v != null && v.getLayer() instanceof DirectBatchNormLayer bn
                        ? bn.lastBatchMoments() : null;
                if (m == null) { // a layer off the kernels: from now on reduce every input, on NCHW activations
                    reduceEveryInput = true;
                    closeLayouts();
                    return stockMoments(runner, x, bnVertices);
                }
                out.add(m);
            }
            return out;
        }
        return stockMoments(runner != null ? runner : graph, x, bnVertices);
    }

    /**
     * As in training, the layers between convolutions pass oneDNN's blocked layout to each other (saves each
     * convolution two reorders; the network's input and output stay NCHW).
     */
    private void openLayouts() {
        if (layouts == null) {
            layouts = ActivationLayouts.blocked(runner);
        }
    }

    /**
     * Puts the twin's layers back on NCHW activations (needed when the graph itself runs the passes, as it already had
     * direct layers: other code may read its activations afterwards) and frees the fused pass's buffers.
     */
    @Override
    public void close() {
        closeLayouts();
        if (fused != null) {
            fused.close();
            fused = null;
            fusedTried = false;
        }
    }

    private void closeLayouts() {
        if (layouts != null) {
            layouts.close();
            layouts = null;
        }
    }

    /** DL4J's {@code feedForward} in training mode, then a reduction of each BatchNorm's input. */
    private static List<ChannelMoments> stockMoments(ComputationGraph g, INDArray x, List<String> bnVertices) {
        Map<String, List<String>> inputs = g.getConfiguration().getVertexInputs();
        String networkInput = g.getConfiguration().getNetworkInputs().get(0);
        Map<String, INDArray> acts = g.feedForward(x, true);
        List<ChannelMoments> out = new ArrayList<>();
        for (String name : bnVertices) {
            String in = inputs.get(name).get(0);
            out.add(channelMoments(in.equals(networkInput) ? x : acts.get(in)));
        }
        return out;
    }

    /** Moments over every axis but 1 (the channel axis), in double. */
    static ChannelMoments channelMoments(INDArray a) {
        int channels = (int) a.size(1);
        long count = a.length() / channels;
        if (a.dataType() != DataType.FLOAT) {
            int[] reduce = new int[a.rank() - 1];
            for (int d = 2; d < a.rank(); d++) {
                reduce[d - 1] = d;
            }
            INDArray ad = a.castTo(DataType.DOUBLE);
            return new ChannelMoments(ad.mean(reduce).toDoubleVector(), ad.var(false, reduce).toDoubleVector(), count);
        }
        double[] mean = new double[channels];
        double[] var = new double[channels];
        NormKernels.channelMoments(a, mean, var); // ~10x faster than ND4J's strided reductions
        return new ChannelMoments(mean, var, count);
    }
}

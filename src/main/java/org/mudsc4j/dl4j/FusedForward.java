package org.mudsc4j.dl4j;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.dnnl.binary;
import org.bytedeco.dnnl.memory;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The forward pass of a BatchNorm CNN (the zoo's ResNets) as a chain of oneDNN convolutions, for the three passes
 * every merge runs outside training:
 * <ul>
 *   <li>{@link #output}: inference. Each convolution applies its BatchNorm (the per-channel scale and shift, as two
 *   binary post-ops) and its ReLU (an eltwise post-op) while it stores its output; a residual add is one binary
 *   primitive with the ReLU fused. The head after the last convolution (global average pooling, the Linear) runs on
 *   oneDNN too.</li>
 *   <li>{@link #batchNormMoments}: a training-mode pass for BatchNorm re-estimation. Each BatchNorm is oneDNN's
 *   training primitive, in place on its convolution's output, with the following ReLU fused; its batch mean and
 *   variance are read back.</li>
 *   <li>{@link #channelRows}: inference, keeping the hooked tensors to the end of the pass and reordering them to
 *   channel-major rows, which the feature pass correlates.</li>
 * </ul>
 * Activations stay in oneDNN's preferred (channel-blocked) layout, in a few buffers reused along the chain.
 *
 * <p>Why: on the direct twin a ResNet-20 ×1 pass runs ~60 DL4J vertices, and BatchNorm, ReLU and the add are each a
 * pass over memory plus DL4J's per-vertex bookkeeping. At 1×28×28, batch 128, the 19 convolutions took about a
 * quarter of the pass and everything around them the rest.
 *
 * <p>Numbers: the scale and shift are {@link DirectBatchNormLayer}'s, applied as one multiplication and one addition
 * (two roundings, as its Java kernel does); the add and the ReLU are exact; the BatchNorm statistics come from the
 * same oneDNN primitive the twin trains with. Convolutions from {@value FusedPlan#BRGEMM_FROM_CHANNELS} input
 * channels up run as oneDNN inference primitives (its brgemm kernels on AVX-512), whose summation order differs from
 * the direct kernels': outputs then differ from the twin's in the last bits (tests bound it), never in a metric we
 * measured.
 *
 * <p>{@link #compile} returns null for a graph of another shape (GroupNorm, the ViT, a max-pooling stem, a BatchNorm
 * not right after a convolution, ...); those keep the twin. Off with {@code -Dmudsc4j.fusedForward=false}.
 *
 * <p>Primitives and buffers live in a {@link FusedPlan} per mode and input shape (a few are kept).
 *
 * <p>Parameters: each plan reads the convolution weights and the BatchNorm statistics
 * when it first runs and keeps them; the Linear, γ and β are read in place. So a FusedForward belongs to one pass over
 * the data with fixed parameters, as {@link FastForward} is used; open a new one after changing them. Not
 * thread-safe.
 */
final class FusedForward implements AutoCloseable {
    static final String PROPERTY = FastForward.FUSED_PROPERTY;
    /** Plans per input shape: the evaluation batch and a smaller last batch. */
    private static final int MAX_PLANS = 3;

    private static final int[] NO_HOOKS = new int[0];

    private final FusedChain chain;
    /** BatchNorm vertex name → the step that runs it. */
    private final Map<String, Integer> stepOfBatchNorm = new HashMap<>();
    private final Map<List<Long>, FusedPlan> plans = new LinkedHashMap<>();

    private FusedForward(FusedChain chain) {
        this.chain = chain;
        for (int i = 0; i < chain.steps.size(); i++) {
            if (chain.steps.get(i).batchNormName != null) {
                stepOfBatchNorm.put(chain.steps.get(i).batchNormName, i);
            }
        }
    }

    /** Whether the fused chain is switched on (the default) and oneDNN can run it. */
    static boolean enabled() {
        return Switches.on(PROPERTY) && OneDnn.available();
    }

    /** The chain of {@code graph} ({@link FusedChain}), or null when its vertices do not all fit it. */
    static FusedForward compile(ComputationGraph graph) {
        FusedChain chain = FusedChain.of(graph);
        return chain == null ? null : new FusedForward(chain);
    }

    /** The network's output for {@code x} (float NCHW), detached. */
    INDArray output(INDArray x) {
        x = denseFloats(x);
        FusedPlan plan = plan(x, false, NO_HOOKS);
        INDArray a = plan.run(x);
        if (chain.linear != null) {
            return a;
        }
        LayerWorkspaceMgr none = LayerWorkspaceMgr.noWorkspaces();
        for (org.deeplearning4j.nn.graph.vertex.impl.LayerVertex v : chain.tail) {
            if (v.getLayerPreProcessor() != null) {
                a = v.getLayerPreProcessor().preProcess(a, (int) a.size(0), none);
            }
            a = v.getLayer().activate(a, false, none);
            v.getLayer().clear();
        }
        // the plan's output array is reused by the next call: never hand it (or a view of it) out
        return a.data() == plan.plainOutput.data() ? a.dup() : a;
    }

    /**
     * One training-mode pass (every BatchNorm normalises with its batch's mean and biased variance, nothing is
     * updated) and the channel moments of the named BatchNorms' inputs, in the given order; null when one of them is
     * not part of the chain. The statistics come from the BatchNorm primitive the direct twin's training pass runs;
     * its inputs differ from the twin's in the last bits where a convolution runs on the brgemm kernels.
     */
    List<FastForward.ChannelMoments> batchNormMoments(INDArray x, List<String> batchNorms) {
        if (!stepOfBatchNorm.keySet().containsAll(batchNorms)) {
            return null;
        }
        x = denseFloats(x);
        FusedPlan plan = plan(x, true, NO_HOOKS);
        plan.run(x);
        List<FastForward.ChannelMoments> out = new ArrayList<>();
        for (String name : batchNorms) {
            out.add(plan.stepPlans[stepOfBatchNorm.get(name)].batchMoments());
        }
        return out;
    }

    /**
     * The inference-mode outputs of the named vertices as channel-major rows (what the feature pass correlates), from
     * one pass of the chain; null when one of them is not a chain tensor (e.g. a BatchNorm whose ReLU the chain
     * fused: its own output never exists).
     */
    Map<String, ActivationLayouts.ChannelRows> channelRows(INDArray x, List<String> vertices) {
        List<String> names = new ArrayList<>(new java.util.LinkedHashSet<>(vertices));
        int[] hooks = new int[names.size()];
        for (int k = 0; k < hooks.length; k++) {
            Integer t = chain.tensorOf.get(names.get(k));
            if (t == null || t == 0 || !names.get(k).equals(chain.steps.get(t - 1).outputVertex)) {
                return null;
            }
            hooks[k] = t;
        }
        x = denseFloats(x);
        FusedPlan plan = plan(x, false, hooks);
        plan.run(x);
        Map<String, ActivationLayouts.ChannelRows> out = new LinkedHashMap<>();
        for (int k = 0; k < hooks.length; k++) {
            out.put(names.get(k), plan.rows(k));
        }
        return out;
    }

    /** The input as the plans read it: dense row-major float. */
    private static INDArray denseFloats(INDArray x) {
        return DenseFloats.of(x.dataType() == DataType.FLOAT ? x : x.castTo(DataType.FLOAT));
    }

    /**
     * The plan for {@code x}'s shape, the mode and the hooked tensors, built on first use; the least recently used one
     * goes.
     */
    private FusedPlan plan(INDArray x, boolean training, int[] hooks) {
        List<Long> key = new ArrayList<>(List.of(training ? 1L : 0L, x.size(0), x.size(1), x.size(2), x.size(3)));
        for (int h : hooks) {
            key.add((long) h);
        }
        FusedPlan plan = plans.remove(key);
        if (plan == null) {
            plan = new FusedPlan(chain, x.shape(), training, hooks);
            if (plans.size() >= MAX_PLANS) {
                plans.remove(plans.keySet().iterator().next()).close();
            }
        }
        plans.put(key, plan); // most recent last
        return plan;
    }

    @Override
    public void close() {
        plans.values().forEach(FusedPlan::close);
        plans.clear();
    }
}

package org.mudsc4j.merge.groups;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.graph.ReshapeVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.TimeDistributed;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.mudsc4j.merge.groups.ParamAxis.ParamKind;
import org.mudsc4j.merge.groups.ParamAxis.Side;
import org.mudsc4j.zoo.layers.AttentionCore;
import org.mudsc4j.zoo.layers.ClassTokenEmbedding;
import org.mudsc4j.zoo.layers.ClassTokenSelect;
import org.mudsc4j.zoo.layers.GroupNorm;
import org.mudsc4j.zoo.layers.TokenLayerNorm;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Derives the permutation groups of a ComputationGraph from its topology (ALGORITHM §5.1, §9), so no architecture
 * needs a hand-written spec.
 *
 * <p>Every convolution or dense layer opens a new unit space on its output axis. Channel-keeping vertices (norms,
 * activations, pooling, dropout, channel-keeping reshapes, the ViT's token embedding and class-token select) pass
 * the space on and add their parameters to it; element-wise vertices tie the spaces of their inputs into one
 * (residual streams). Layers that consume a space add their input axis. The ViT's fused {@code qkv} output is split:
 * q and k share one space (with the head count as structural groups), v has its own, which continues as the attention
 * output. The last weight layer before the loss keeps its output axis fixed (the shared class-embedding space).
 *
 * <p>Each resulting space is one {@link UnitGroup}. Its activation hook is the input of its last consumer in
 * topological order, read before a global pooling layer (the reference hooks {@code avgpool}'s input); for the q/k
 * group it is the keys slice of the {@code qkv} output. Groups are ordered by their first producing vertex in
 * topological order (ties: lower offset first), which reproduces the reference's registration order.
 */
public final class GroupDeriver {
    private static final int FIXED = -1;

    private final ComputationGraph graph;
    private final ComputationGraphConfiguration conf;
    private final Map<String, Integer> topoIndex = new HashMap<>();
    private final Map<String, List<String>> consumers = new HashMap<>();
    private final Map<String, Integer> spaceOf = new HashMap<>();
    private final Map<String, Boolean> spatial = new HashMap<>();
    private final List<Space> spaces = new ArrayList<>();
    private final int[] parent;

    private GroupDeriver(ComputationGraph graph) {
        this.graph = graph;
        this.conf = graph.getConfiguration();
        int[] order = graph.topologicalSortOrder();
        for (int i = 0; i < order.length; i++) {
            topoIndex.put(graph.getVertices()[order[i]].getVertexName(), i);
        }
        for (Map.Entry<String, List<String>> e : conf.getVertexInputs().entrySet()) {
            for (String in : e.getValue()) {
                consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(e.getKey());
            }
        }
        this.parent = new int[4 * order.length + 8];
    }

    /** @throws UnsupportedTopologyException naming the first vertex that cannot be followed */
    public static UnitGroups derive(ComputationGraph graph) {
        return new GroupDeriver(graph).run();
    }

    /** One unit space while it is being built (union-find node). */
    private static final class Space {
        final int width;
        final String producer;
        final int producerTopo;
        final int offset;
        int groups = 1;
        String groupSource;
        boolean residual;
        final List<ParamAxis> outputs = new ArrayList<>();
        final List<ParamAxis> inputs = new ArrayList<>();
        final List<String[]> consumerInputs = new ArrayList<>(); // {consumer, the vertex it reads}
        FeatureHook fixedHook;
        String blockTie;

        Space(int width, String producer, int producerTopo, int offset) {
            this.width = width;
            this.producer = producer;
            this.producerTopo = producerTopo;
            this.offset = offset;
        }
    }

    private UnitGroups run() {
        List<String> order = new ArrayList<>(topoIndex.keySet());
        order.sort(Comparator.comparingInt(topoIndex::get));
        for (String input : conf.getNetworkInputs()) {
            spaceOf.put(input, FIXED);
            spatial.put(input, true);
        }
        for (String v : order) {
            if (conf.getNetworkInputs().contains(v)) {
                continue;
            }
            visit(v);
        }
        return collect();
    }

    private void visit(String v) {
        org.deeplearning4j.nn.conf.graph.GraphVertex cv = conf.getVertices().get(v);
        List<String> ins = conf.getVertexInputs().get(v);
        if (cv instanceof ElementWiseVertex) {
            int s = FIXED;
            for (String in : ins) {
                int si = find(spaceOf.get(in));
                if (si == FIXED) {
                    throw new UnsupportedTopologyException(v, "ElementWiseVertex",
                            "an input (" + in + ") has no unit axis that can be permuted (network input or output)");
                }
                s = s == FIXED ? si : union(s, si, v);
            }
            spaces.get(find(s)).residual = true;
            spaceOf.put(v, s);
            spatial.put(v, spatial.get(ins.get(0)));
            return;
        }
        if (cv instanceof ReshapeVertex r) {
            int s = find(spaceOf.get(ins.get(0)));
            int[] shape = r.getNewShape();
            if (s != FIXED && (shape.length < 2 || shape[1] != spaces.get(s).width)) {
                throw new UnsupportedTopologyException(v, "ReshapeVertex", "it does not keep the "
                        + spaces.get(s).width + " units on axis 1");
            }
            spaceOf.put(v, s);
            spatial.put(v, false);
            return;
        }
        if (!(cv instanceof LayerVertex lv)) {
            throw new UnsupportedTopologyException(v, cv.getClass().getSimpleName(), "vertex type not supported");
        }
        if (lv.getPreProcessor() != null && find(spaceOf.get(ins.get(0))) != FIXED) {
            throw new UnsupportedTopologyException(v, lv.getPreProcessor().getClass().getSimpleName(),
                    "an input preprocessor reshapes the units of " + ins.get(0)
                            + " (e.g. flattening channels with space); pool them first");
        }
        Layer layer = lv.getLayerConf().getLayer();
        String in = ins.get(0);
        int s = find(spaceOf.get(in));
        if (layer instanceof ConvolutionLayer conv && !(layer instanceof SubsamplingLayer)) {
            weightLayer(v, in, s, 1, 0, true, (int) conv.getNOut());
        } else if (layer instanceof DenseLayer dense) {
            denseLayer(v, in, s, (int) dense.getNOut(), false);
        } else if (layer instanceof TimeDistributed td && td.getUnderlying() instanceof DenseLayer dense) {
            denseLayer(v, in, s, (int) dense.getNOut(), true);
        } else if (layer instanceof BaseOutputLayer out) {
            if (s != FIXED) {
                addInput(s, v, in, "W", 0, 0);
            }
            spaceOf.put(v, FIXED);
            spatial.put(v, false);
        } else if (layer instanceof LossLayer) {
            if (s != FIXED) {
                throw new UnsupportedTopologyException(v, "LossLayer", "its input " + in + " carries permutable "
                        + "units; the network must end in a weight layer whose output axis stays fixed");
            }
            spaceOf.put(v, FIXED);
        } else if (layer instanceof BatchNormalization bn) {
            norm(v, in, s, bn.isUseLogStd() ? List.of("gamma", "beta", "mean", "log10stdev")
                    : List.of("gamma", "beta", "mean", "var"));
        } else if (layer instanceof GroupNorm gn) {
            norm(v, in, s, List.of(GroupNorm.GAMMA, GroupNorm.BETA));
            if (s != FIXED) {
                Space sp = spaces.get(s);
                if (sp.groupSource != null && sp.groups != gn.getGroups()) {
                    throw new UnsupportedTopologyException(v, "GroupNorm", gn.getGroups() + " groups, but "
                            + sp.groupSource + " in the same unit space uses " + sp.groups);
                }
                sp.groups = gn.getGroups();
                sp.groupSource = v;
            }
        } else if (layer instanceof TokenLayerNorm) {
            norm(v, in, s, List.of(TokenLayerNorm.GAMMA, TokenLayerNorm.BETA));
        } else if (layer instanceof ClassTokenEmbedding) {
            norm(v, in, s, List.of(ClassTokenEmbedding.CLS, ClassTokenEmbedding.POS));
            spatial.put(v, false);
        } else if (layer instanceof ActivationLayer || layer instanceof DropoutLayer || layer instanceof SubsamplingLayer
                || layer instanceof ClassTokenSelect) {
            spaceOf.put(v, s);
            spatial.put(v, spatial.get(in) && !(layer instanceof ClassTokenSelect));
        } else if (layer instanceof GlobalPoolingLayer) {
            spaceOf.put(v, s);
            spatial.put(v, false);
        } else if (layer instanceof AttentionCore) {
            // Handled when the qkv layer was visited: the attention output continues the v space.
            Integer vSpace = spaceOf.get(v);
            if (vSpace == null) {
                throw new UnsupportedTopologyException(v, "AttentionCore", "its input must come straight from a"
                        + " dense layer producing the fused q, k, v");
            }
            spatial.put(v, false);
        } else {
            throw new UnsupportedTopologyException(v, layer.getClass().getSimpleName(), "layer type not supported");
        }
    }

    private void denseLayer(String v, String in, int s, int nOut, boolean perToken) {
        if (!perToken && s != FIXED && spatial.get(in)) {
            throw new UnsupportedTopologyException(v, "DenseLayer", "it reads the spatial feature map of " + in
                    + "; pool it (GlobalPoolingLayer) first");
        }
        List<String> next = consumers.getOrDefault(v, List.of());
        if (next.size() == 1 && layerOf(next.get(0)) instanceof AttentionCore attn) {
            int d = attn.getDim();
            if (nOut != 3 * d) {
                throw new UnsupportedTopologyException(v, "DenseLayer", "feeds attention of width " + d
                        + " but has " + nOut + " outputs instead of 3·" + d);
            }
            if (s != FIXED) {
                addInput(s, v, in, "W", 0, 0);
            }
            int qk = newSpace(d, v + ".qk", v, 0);
            Space qkSpace = spaces.get(qk);
            qkSpace.groups = attn.getHeads();
            qkSpace.groupSource = next.get(0);
            qkSpace.blockTie = next.get(0);
            for (int off : new int[] {0, d}) {
                qkSpace.outputs.add(new ParamAxis(v, "W", 1, off, Side.OUTPUT, ParamKind.PLAIN));
                qkSpace.outputs.add(new ParamAxis(v, "b", 0, off, Side.OUTPUT, ParamKind.PLAIN));
            }
            // The reference hooks the keys (twice, which leaves the correlation unchanged).
            qkSpace.fixedHook = new FeatureHook(v, d);
            int vs = newSpace(d, v + ".v", v, 2 * d);
            Space vSpace = spaces.get(vs);
            vSpace.groups = attn.getHeads();
            vSpace.groupSource = next.get(0);
            vSpace.blockTie = next.get(0);
            vSpace.outputs.add(new ParamAxis(v, "W", 1, 2 * d, Side.OUTPUT, ParamKind.PLAIN));
            vSpace.outputs.add(new ParamAxis(v, "b", 0, 2 * d, Side.OUTPUT, ParamKind.PLAIN));
            spaceOf.put(v, FIXED);
            spaceOf.put(next.get(0), vs);
            spatial.put(v, false);
            return;
        }
        weightLayer(v, in, s, 0, 1, false, nOut);
    }

    /** A conv or dense layer: input axis joins the input space, output axis opens a new space unless terminal. */
    private void weightLayer(String v, String in, int s, int inAxis, int outAxis, boolean conv, int nOut) {
        if (s != FIXED) {
            addInput(s, v, in, "W", inAxis, 0);
        }
        if (isTerminal(v)) {
            spaceOf.put(v, FIXED);
            spatial.put(v, conv);
            return;
        }
        int out = newSpace(nOut, v, v, 0);
        Space sp = spaces.get(out);
        sp.outputs.add(new ParamAxis(v, "W", outAxis, 0, Side.OUTPUT, ParamKind.PLAIN));
        if (graph.paramTable().containsKey(v + "_b")) {
            sp.outputs.add(new ParamAxis(v, "b", 0, 0, Side.OUTPUT, ParamKind.PLAIN));
        }
        spaceOf.put(v, out);
        spatial.put(v, conv);
    }

    private void norm(String v, String in, int s, List<String> params) {
        spaceOf.put(v, s);
        spatial.put(v, spatial.get(in));
        if (s == FIXED) {
            throw new UnsupportedTopologyException(v, layerOf(v).getClass().getSimpleName(),
                    "it normalises the network input or output, whose axis cannot be permuted");
        }
        Space sp = spaces.get(s);
        for (String p : params) {
            INDArray value = graph.paramTable().get(v + "_" + p);
            if (value == null) {
                throw new UnsupportedTopologyException(v, layerOf(v).getClass().getSimpleName(),
                        "expected parameter '" + p + "'");
            }
            int axis = value.rank() == 1 ? 0 : 1;
            if (value.size(axis) != sp.width) {
                throw new UnsupportedTopologyException(v, layerOf(v).getClass().getSimpleName(), "parameter " + p
                        + " has " + value.size(axis) + " entries on its unit axis, the space has " + sp.width);
            }
            ParamKind kind = switch (p) {
                case "mean" -> ParamKind.RUNNING_MEAN;
                case "log10stdev" -> ParamKind.RUNNING_LOG10_STD;
                case "var" -> ParamKind.RUNNING_VARIANCE;
                default -> ParamKind.PLAIN;
            };
            sp.outputs.add(new ParamAxis(v, p, axis, 0, Side.OUTPUT, kind));
        }
    }

    private void addInput(int s, String consumer, String readVertex, String param, int axis, int offset) {
        Space sp = spaces.get(s);
        sp.inputs.add(new ParamAxis(consumer, param, axis, offset, Side.INPUT, ParamKind.PLAIN));
        sp.consumerInputs.add(new String[] {consumer, readVertex});
    }

    /** The last weight layer: its output only reaches loss/output layers or is a network output. */
    private boolean isTerminal(String v) {
        if (conf.getNetworkOutputs().contains(v)) {
            return true;
        }
        List<String> next = consumers.getOrDefault(v, List.of());
        if (next.isEmpty()) {
            return true;
        }
        for (String c : next) {
            Layer l = layerOf(c);
            if (!(l instanceof LossLayer || l instanceof BaseOutputLayer)) {
                return false;
            }
        }
        return true;
    }

    private Layer layerOf(String v) {
        return conf.getVertices().get(v) instanceof LayerVertex lv ? lv.getLayerConf().getLayer() : null;
    }

    private int newSpace(int width, String producer, String producerVertex, int offset) {
        spaces.add(new Space(width, producer, topoIndex.get(producerVertex), offset));
        int id = spaces.size() - 1;
        parent[id] = id;
        return id;
    }

    private int find(Integer s) {
        if (s == null) {
            throw new IllegalStateException("vertex visited before its input");
        }
        if (s == FIXED) {
            return FIXED;
        }
        int r = s;
        while (parent[r] != r) {
            r = parent[r];
        }
        return r;
    }

    /** Merges two spaces (the one produced first stays the root); their widths must agree. */
    private int union(int a, int b, String at) {
        int ra = find(a);
        int rb = find(b);
        if (ra == rb) {
            return ra;
        }
        Space sa = spaces.get(ra);
        Space sb = spaces.get(rb);
        if (sa.width != sb.width) {
            throw new UnsupportedTopologyException(at, "ElementWiseVertex", "it adds " + sa.width + " units of "
                    + sa.producer + " to " + sb.width + " units of " + sb.producer);
        }
        Space keep = sa.producerTopo <= sb.producerTopo ? sa : sb;
        Space gone = keep == sa ? sb : sa;
        int keepId = keep == sa ? ra : rb;
        int goneId = keepId == ra ? rb : ra;
        if (gone.groupSource != null) {
            if (keep.groupSource != null && keep.groups != gone.groups) {
                throw new UnsupportedTopologyException(at, "ElementWiseVertex", "ties GroupNorm groups "
                        + keep.groups + " (" + keep.groupSource + ") and " + gone.groups + " (" + gone.groupSource + ")");
            }
            keep.groups = gone.groups;
            keep.groupSource = gone.groupSource;
        }
        keep.outputs.addAll(gone.outputs);
        keep.inputs.addAll(gone.inputs);
        keep.consumerInputs.addAll(gone.consumerInputs);
        keep.residual |= gone.residual;
        parent[goneId] = keepId;
        return keepId;
    }

    private UnitGroups collect() {
        List<Integer> roots = new ArrayList<>();
        for (int i = 0; i < spaces.size(); i++) {
            if (parent[i] == i) {
                roots.add(i);
            }
        }
        roots.sort(Comparator.<Integer>comparingInt(i -> rank(spaces.get(i)))
                .thenComparingInt(i -> spaces.get(i).offset));
        List<UnitGroup> groups = new ArrayList<>();
        Set<String> grouped = new LinkedHashSet<>();
        for (int id : roots) {
            Space sp = spaces.get(id);
            FeatureHook hook = sp.fixedHook != null ? sp.fixedHook : hookOf(sp);
            String name = (sp.residual ? "residual:" : "") + sp.producer;
            UnitGroup g = new UnitGroup(groups.size(), name, sp.width, sp.groups, sortedByTopo(sp.outputs),
                    sortedByTopo(sp.inputs), hook, sp.blockTie);
            groups.add(g);
            g.entries().forEach(a -> grouped.add(a.key()));
        }
        List<String> ungrouped = new ArrayList<>();
        for (String key : graph.paramTable().keySet()) {
            if (!grouped.contains(key)) {
                ungrouped.add(key);
            }
        }
        return new UnitGroups(groups, ungrouped);
    }

    /**
     * Registration position of a group: the topological index of its first producer that is not a parallel branch.
     * A shortcut/downsample conv reads the same tensor as the block's first conv; ranking a
     * residual stream by its main-path producer places it after its first block's inner groups, as the reference
     * registers them (ALGORITHM §9.1–9.2).
     */
    private int rank(Space sp) {
        int best = Integer.MAX_VALUE;
        for (ParamAxis a : sp.outputs) {
            if (!a.param().equals("W")) {
                continue;
            }
            String producer = a.vertex();
            String input = conf.getVertexInputs().get(producer).get(0);
            boolean parallel = false;
            for (String other : consumers.getOrDefault(input, List.of())) {
                Layer l = layerOf(other);
                boolean weight = l instanceof ConvolutionLayer && !(l instanceof SubsamplingLayer)
                        || l instanceof DenseLayer || l instanceof TimeDistributed;
                parallel |= weight && !other.equals(producer);
            }
            if (!parallel) {
                best = Math.min(best, topoIndex.get(producer));
            }
        }
        return best == Integer.MAX_VALUE ? sp.producerTopo : best;
    }

    private List<ParamAxis> sortedByTopo(List<ParamAxis> axes) {
        List<ParamAxis> out = new ArrayList<>(axes);
        out.sort(Comparator.<ParamAxis>comparingInt(a -> topoIndex.get(a.vertex())).thenComparingInt(ParamAxis::offset));
        return out;
    }

    private FeatureHook hookOf(Space sp) {
        if (sp.consumerInputs.isEmpty()) {
            throw new UnsupportedTopologyException(sp.producer, "unit space", "its " + sp.width
                    + " units are never consumed by a weight layer (they reach the network output unfixed)");
        }
        String[] last = sp.consumerInputs.stream().max(Comparator.comparingInt(c -> topoIndex.get(c[0]))).get();
        String hook = last[1];
        if (layerOf(hook) instanceof GlobalPoolingLayer) {
            hook = conf.getVertexInputs().get(hook).get(0); // the reference hooks the pool's input
        }
        for (String c : consumers.getOrDefault(hook, List.of())) {
            if (layerOf(c) instanceof ActivationLayer) {
                throw new UnsupportedTopologyException(hook, "hook point", "it feeds ActivationLayer " + c
                        + ", which overwrites it in place during inference; hook a post-activation vertex");
            }
        }
        return FeatureHook.outputOf(hook);
    }
}

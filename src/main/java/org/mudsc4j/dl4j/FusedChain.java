package org.mudsc4j.dl4j;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@link FusedForward} runs, read from a graph: its convolutions in order, each with the BatchNorm, residual add
 * and ReLU it absorbs, the tensors between them, and the layers after the last one. Only graphs whose every vertex
 * fits are accepted (the zoo's BatchNorm ResNet-20s): a convolution (plain, identity activation, NCHW, not Same
 * mode); a BatchNorm as the only reader of a convolution; a ReLU as the only reader of a BatchNorm or an add; an add
 * of a convolution's output (its only reader) and an earlier tensor; then a chain of single-input layers to the
 * output. {@link #of} returns null for anything else, with the reason at debug level.
 */
final class FusedChain {
    private static final Logger LOG = LoggerFactory.getLogger(FusedChain.class);

    /** One convolution of the chain and what it absorbs; tensors are numbered, 0 being the network input. */
    static final class Step {
        final org.deeplearning4j.nn.api.Layer conv;
        final int src;
        final int dst;
        org.deeplearning4j.nn.api.Layer batchNorm;
        String batchNormName;
        /** The last vertex this step absorbed: the one whose output its output tensor is. */
        String outputVertex;
        /** The tensor the output is added to (the residual), or -1. */
        int sumWith = -1;
        boolean relu;

        Step(org.deeplearning4j.nn.api.Layer conv, int src, int dst) {
            this.conv = conv;
            this.src = src;
            this.dst = dst;
        }

        ConvolutionLayer conf() {
            return (ConvolutionLayer) conv.conf().getLayer();
        }
    }

    final List<Step> steps;
    /** The tensor the tail starts from. */
    final int last;
    /** The vertices after the last convolution, in order, each fed by the one before. */
    final List<org.deeplearning4j.nn.graph.vertex.impl.LayerVertex> tail;
    /** The Linear of a head that runs on oneDNN (average pooling, Linear, identity loss layer); null: DL4J's tail. */
    final org.deeplearning4j.nn.api.Layer linear;
    /** Vertex name → the tensor holding its output (for absorbed vertices: their step's tensor). */
    final Map<String, Integer> tensorOf;

    private FusedChain(List<Step> steps, int last, List<org.deeplearning4j.nn.graph.vertex.impl.LayerVertex> tail,
                       Map<String, Integer> tensorOf) {
        this.steps = List.copyOf(steps);
        this.last = last;
        this.tail = List.copyOf(tail);
        this.linear = oneDnnHead(tail);
        this.tensorOf = Map.copyOf(tensorOf);
    }

    /**
     * The Linear of a tail that is global average pooling, a Linear and optionally a loss layer, all with identity
     * activations and nothing stochastic; null for any other tail. Why on oneDNN: DL4J's Linear runs its product on
     * another thread pool than oneDNN's, and the two pools fought for the cores (5 ms of a 40 ms ResNet-20 pass).
     */
    private static org.deeplearning4j.nn.api.Layer oneDnnHead(
            List<org.deeplearning4j.nn.graph.vertex.impl.LayerVertex> tail) {
        if (tail.size() < 2 || tail.size() > 3 || tail.stream().anyMatch(v -> v.getLayerPreProcessor() != null)) {
            return null;
        }
        Layer pool = tail.get(0).getLayer().conf().getLayer();
        Layer dense = tail.get(1).getLayer().conf().getLayer();
        boolean avgPool = pool instanceof GlobalPoolingLayer g && g.getPoolingType() == PoolingType.AVG
                && g.isCollapseDimensions() && (g.getPoolingDimensions() == null
                || java.util.Arrays.equals(g.getPoolingDimensions(), new int[] {2, 3}));
        boolean plainLinear = dense.getClass() == DenseLayer.class && dense instanceof DenseLayer d
                && d.getActivationFn() instanceof ActivationIdentity && d.getIDropout() == null
                && d.getWeightNoise() == null && d.hasBias() && !d.hasLayerNorm();
        boolean identityLoss = tail.size() == 2 || tail.get(2).getLayer().conf().getLayer() instanceof LossLayer l
                && l.getActivationFn() instanceof ActivationIdentity && l.getIDropout() == null;
        return avgPool && plainLinear && identityLoss ? tail.get(1).getLayer() : null;
    }

    /** The chain of {@code graph}, or null when its vertices do not all fit it (why: logged at debug). */
    static FusedChain of(ComputationGraph graph) {
        try {
            return compileOrThrow(graph);
        } catch (Unsupported e) {
            LOG.debug("No fused oneDNN chain for this graph: {}", e.getMessage());
            return null;
        }
    }

    /** Why a graph does not fit the chain. */
    private static final class Unsupported extends Exception {
        Unsupported(String why) {
            super(why, null, false, false);
        }
    }

    private static FusedChain compileOrThrow(ComputationGraph graph) throws Unsupported {
        ComputationGraphConfiguration conf = graph.getConfiguration();
        if (conf.getNetworkInputs().size() != 1 || conf.getNetworkOutputs().size() != 1) {
            throw new Unsupported("not one input and one output");
        }
        if (graph.params().dataType() != DataType.FLOAT) {
            throw new Unsupported("parameters are " + graph.params().dataType());
        }
        Map<String, List<String>> inputs = conf.getVertexInputs();
        Map<String, Integer> consumers = new HashMap<>();
        inputs.values().forEach(in -> in.forEach(n -> consumers.merge(n, 1, Integer::sum)));
        String output = conf.getNetworkOutputs().get(0);

        Map<String, Integer> tensorOf = new HashMap<>();
        tensorOf.put(conf.getNetworkInputs().get(0), 0);
        List<Step> steps = new ArrayList<>();
        List<org.deeplearning4j.nn.graph.vertex.impl.LayerVertex> tail = new ArrayList<>();
        String previous = null;
        for (int index : graph.topologicalSortOrder()) {
            GraphVertex v = graph.getVertices()[index];
            String name = v.getVertexName();
            if (v.isInputVertex()) {
                continue;
            }
            List<String> in = inputs.get(name);
            if (!tail.isEmpty()) { // after the convolutions: a plain chain of layers to the output
                if (!(v instanceof org.deeplearning4j.nn.graph.vertex.impl.LayerVertex lv) || in.size() != 1
                        || !in.get(0).equals(previous)) {
                    throw new Unsupported("vertex '" + name + "' after the convolutions is not a chained layer");
                }
                tail.add(lv);
                previous = name;
                continue;
            }
            Layer layer = v.hasLayer() ? v.getLayer().conf().getLayer() : null;
            boolean preprocessed = v instanceof org.deeplearning4j.nn.graph.vertex.impl.LayerVertex lv
                    && lv.getLayerPreProcessor() != null;
            if (preprocessed && (isPlainConvolution(layer) || layer instanceof BatchNormalization
                    || layer instanceof ActivationLayer)) {
                throw new Unsupported("vertex '" + name + "' has an input preprocessor");
            }
            if (isPlainConvolution(layer)) {
                steps.add(new Step(v.getLayer(), tensor(tensorOf, in, name), steps.size() + 1));
                tensorOf.put(name, steps.size());
                steps.get(steps.size() - 1).outputVertex = name;
            } else if (layer instanceof BatchNormalization bn) {
                Step s = producer(steps, tensorOf, in, name, consumers);
                if (s.batchNorm != null || s.sumWith >= 0 || s.relu || !directBatchNorm(bn)) {
                    throw new Unsupported("BatchNorm '" + name + "' does not directly follow a convolution");
                }
                s.batchNorm = v.getLayer();
                s.batchNormName = name;
                tensorOf.put(name, s.dst);
                s.outputVertex = name;
            } else if (layer instanceof ActivationLayer act && new ActivationReLU().equals(act.getActivationFn())
                    && act.getIDropout() == null) {
                Step s = producer(steps, tensorOf, in, name, consumers);
                if (s.relu) {
                    throw new Unsupported("ReLU '" + name + "' follows a ReLU");
                }
                s.relu = true;
                tensorOf.put(name, s.dst);
                s.outputVertex = name;
            } else if (!v.hasLayer() && isAdd(conf.getVertices().get(name)) && in.size() == 2) {
                int a = tensor(tensorOf, in.subList(0, 1), name);
                int b = tensor(tensorOf, in.subList(1, 2), name);
                // the later of the two convolutions adds its output to the earlier one's (float addition commutes)
                String later = a > b ? in.get(0) : in.get(1);
                Step s = producer(steps, tensorOf, List.of(later), name, consumers);
                if (s.sumWith >= 0 || s.relu || Math.min(a, b) == 0) {
                    throw new Unsupported("add '" + name + "' does not take a convolution and a shortcut");
                }
                s.sumWith = Math.min(a, b);
                tensorOf.put(name, s.dst);
                s.outputVertex = name;
            } else if (v instanceof org.deeplearning4j.nn.graph.vertex.impl.LayerVertex lv && !steps.isEmpty()
                    && in.size() == 1 && tensorOf.containsKey(in.get(0))) {
                tail.add(lv); // the first layer after the convolutions (global pooling in the zoo)
                previous = name;
            } else {
                throw new Unsupported("vertex '" + name + "' (" + (layer != null ? layer.getClass().getSimpleName()
                        : v.getClass().getSimpleName()) + ") has no fused form");
            }
        }
        if (tail.isEmpty() || !previous.equals(output)) {
            throw new Unsupported("the output is not reached through a chain of layers after the convolutions");
        }
        int last = tensorOf.get(inputs.get(tail.get(0).getVertexName()).get(0));
        return new FusedChain(steps, last, tail, tensorOf);
    }

    private static boolean isPlainConvolution(Layer layer) {
        return layer != null && (layer.getClass() == ConvolutionLayer.class || layer instanceof DirectBackpropConvolution)
                && layer instanceof ConvolutionLayer c && c.getActivationFn() instanceof ActivationIdentity
                && c.getCnn2dDataFormat() == CNN2DFormat.NCHW && c.getConvolutionMode() != ConvolutionMode.Same
                && c.getIDropout() == null && c.getWeightNoise() == null;
    }

    /** BatchNorm as {@link DirectBatchNormLayer} runs it in inference (so the fused pass computes what it does). */
    private static boolean directBatchNorm(BatchNormalization bn) {
        return bn.getCnn2DFormat() == CNN2DFormat.NCHW && !bn.isLockGammaBeta() && bn.getIDropout() == null
                && (bn.getActivationFn() == null || bn.getActivationFn() instanceof ActivationIdentity);
    }

    private static boolean isAdd(org.deeplearning4j.nn.conf.graph.GraphVertex conf) {
        return conf instanceof ElementWiseVertex e && e.getOp() == ElementWiseVertex.Op.Add;
    }

    private static int tensor(Map<String, Integer> tensorOf, List<String> in, String name) throws Unsupported {
        Integer t = in.size() == 1 ? tensorOf.get(in.get(0)) : null;
        if (t == null) {
            throw new Unsupported("vertex '" + name + "' reads " + in + ", which the chain does not compute");
        }
        return t;
    }

    /** The step whose output {@code name} reads, when {@code name} is that output's only reader. */
    private static Step producer(List<Step> steps, Map<String, Integer> tensorOf, List<String> in, String name,
                                 Map<String, Integer> consumers) throws Unsupported {
        int t = tensor(tensorOf, in, name);
        if (t == 0 || consumers.getOrDefault(in.get(0), 0) != 1) {
            throw new Unsupported("vertex '" + name + "' does not read a convolution's output alone");
        }
        return steps.get(t - 1);
    }
}

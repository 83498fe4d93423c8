package org.mudsc4j.zoo;

import java.util.SplittableRandom;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.mudsc4j.dl4j.Dl4jRuntime;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the networks of the paper as DL4J {@link ComputationGraph}s whose vertex names mirror the reference's
 * PyTorch module names (timm names for ResNet-26/50 and ViT), so the merge engine and the PyTorch export can
 * address tensors by name.
 *
 * <p>Every graph has the single input {@value #INPUT} (NCHW, shape from {@link ModelSpec#input()}) and ends with
 * the embedding Linear followed by a {@link LossLayer} named {@value #LOSS} with identity activation, so
 * {@code graph.outputSingle(x)} is the embedding ({@link ModelSpec#embedDim()} wide).
 *
 * <h2>Vertex names</h2>
 * Norm vertices are BatchNorm or GroupNorm per the spec (same names either way, as the reference's GN models);
 * norms carry no activation; every ReLU/GELU is its own vertex. Param keys are {@code <vertex>_<param>}.
 *
 * <table border="1">
 * <caption>Vertices per architecture</caption>
 * <tr><th>architecture</th><th>vertices, in graph order</th></tr>
 * <tr><td>ResNet-20 (×w)</td><td>{@code conv1, bn1, relu};
 *   for s = 1..3, b = 0..2, prefix {@code layer<s>.<b>.}: {@code conv1, bn1, relu1, conv2, bn2,
 *   [shortcut.0, shortcut.1 (only layer2.0, layer3.0: 3×3 conv, stride 2)], add, relu2};
 *   {@code avgpool, linear, loss}. Channels 16w / 32w / 64w.</td></tr>
 * <tr><td>ResNet-26 / ResNet-50 (bottleneck)</td><td>{@code conv1 (7×7/2), bn1, act1, maxpool};
 *   for s = 1..4, b = 0..n_s−1 (n = [2,2,2,2] / [3,4,6,3]), prefix {@code layer<s>.<b>.}: {@code conv1 (1×1),
 *   bn1, act1, conv2 (3×3, stride 2 in b = 0 of s ≥ 2), bn2, act2, conv3 (1×1), bn3,
 *   [downsample.0 (1×1 conv, stride), downsample.1 (only b = 0, every stage)], add, act3};
 *   {@code global_pool, fc, loss}. Inner widths base·{1,2,4,8}, outputs ×4 (base 64 in the real models).</td></tr>
 * <tr><td>ViT</td><td>{@code patch_embed.proj} (conv k = s = patch, bias) → {@code patch_embed.flatten}
 *   (reshape to NCW tokens [B, D, P]) → {@code embed} (class token + position embedding, [B, D, P+1]);
 *   for i = 0..depth−1, prefix {@code blocks.<i>.}: {@code norm1, attn.qkv, attn, attn.proj, add1, norm2,
 *   mlp.fc1, mlp.act (exact GELU), mlp.fc2, add2}; {@code norm, cls_select, head, loss}.</td></tr>
 * </table>
 *
 * <h2>Parameters and their PyTorch counterparts</h2>
 * <table border="1">
 * <caption>DL4J param key → PyTorch tensor</caption>
 * <tr><td>conv {@code W} [out, in, kH, kW]</td><td>{@code weight}, same layout; ResNet convs have no bias,
 *   {@code patch_embed.proj_b} [1, D] = {@code patch_embed.proj.bias}</td></tr>
 * <tr><td>BatchNorm {@code gamma, beta, mean, log10stdev} [1, C]</td><td>{@code weight, bias, running_mean};
 *   {@code log10stdev} is DL4J's log10 of the running standard deviation (derive {@code running_var} from it,
 *   minding DL4J's eps convention)</td></tr>
 * <tr><td>GroupNorm / LayerNorm {@code gamma, beta} [1, C]</td><td>{@code weight, bias} [C]</td></tr>
 * <tr><td>Dense ({@code linear, fc, head}) and per-token Linears ({@code attn.qkv, attn.proj, mlp.fc1,
 *   mlp.fc2}, TimeDistributed) {@code W} [in, out], {@code b} [1, out]</td><td>{@code weight} [out, in]
 *   (transposed), {@code bias} [out]. {@code attn.qkv} output columns are [q | k | v], head h dim d at
 *   h·hd + d within each part, exactly timm's row layout</td></tr>
 * <tr><td>{@code embed_cls} [1, D, 1], {@code embed_pos} [1, D, P+1]</td><td>{@code cls_token} [1, 1, D],
 *   {@code pos_embed} [1, P+1, D] (axes 1 and 2 swapped)</td></tr>
 * </table>
 *
 * <h2>Initialisation</h2>
 * Deterministic given the seed. Conv and embedding-Linear weights: {@link WeightInit#RELU} (Kaiming normal,
 * fan_in, as the reference); the embedding Linear's bias uniform(±1/√fan_in) (PyTorch default), drawn from the
 * seed after DL4J's init; norms γ = 1, β = 0. ViT block Linears N(0, 0.02²) with zero bias, position embedding
 * N(0, 0.02²), class token N(0, 1e-12) (timm). Updater and regularisation are left to the trainer.
 */
public final class ModelZoo {
    public static final String INPUT = "input";
    public static final String LOSS = "loss";

    private static final Logger LOG = LoggerFactory.getLogger(ModelZoo.class);
    /** Mixed into the seed so the head-bias stream differs from DL4J's weight stream. */
    private static final long BIAS_SEED_SALT = 0x5DEECE66DL;

    private ModelZoo() {
    }

    /** Builds and initialises the network (float32) with {@code headLoss} in the {@value #LOSS} layer. */
    public static ComputationGraph build(ModelSpec spec, long seed, ILossFunction headLoss) {
        return build(spec, seed, headLoss, DataType.FLOAT);
    }

    /** Inference-only overload: the {@value #LOSS} layer holds a plain MSE loss. */
    public static ComputationGraph build(ModelSpec spec, long seed) {
        return build(spec, seed, new LossMSE());
    }

    /** Builds and initialises the network in the given floating-point type (DOUBLE for gradient checks). */
    public static ComputationGraph build(ModelSpec spec, long seed, ILossFunction headLoss, DataType dataType) {
        return build(spec, seed, headLoss, dataType, new NeuralNetConfiguration.Builder());
    }

    /**
     * Builds and initialises the network on top of {@code base}, a global configuration that may carry the
     * trainer's updater and regularisation (DL4J applies them to every layer, custom layers included).
     */
    public static ComputationGraph build(ModelSpec spec, long seed, ILossFunction headLoss, DataType dataType,
                                         NeuralNetConfiguration.Builder base) {
        ComputationGraph graph = new ComputationGraph(configuration(spec, seed, headLoss, dataType, base));
        graph.init();
        initHeadBias(graph, spec, seed);
        LOG.debug("built {} (seed {}): {} params", spec, seed, graph.numParams());
        return graph;
    }

    /** The float32 configuration of {@link #build(ModelSpec, long, ILossFunction)}. */
    public static ComputationGraphConfiguration configuration(ModelSpec spec, long seed, ILossFunction headLoss) {
        return configuration(spec, seed, headLoss, DataType.FLOAT);
    }

    public static ComputationGraphConfiguration configuration(ModelSpec spec, long seed, ILossFunction headLoss,
                                                              DataType dataType) {
        return configuration(spec, seed, headLoss, dataType, new NeuralNetConfiguration.Builder());
    }

    /**
     * The configuration on top of {@code base} (see {@link #build(ModelSpec, long, ILossFunction, DataType,
     * NeuralNetConfiguration.Builder)}); seed, data type, weight init and convolution mode of {@code base} are
     * overwritten.
     */
    public static ComputationGraphConfiguration configuration(ModelSpec spec, long seed, ILossFunction headLoss,
                                                              DataType dataType, NeuralNetConfiguration.Builder base) {
        if (spec == null || headLoss == null || dataType == null || base == null) {
            throw new IllegalArgumentException("spec, headLoss, dataType and base configuration are required");
        }
        if (!dataType.isFPType()) {
            throw new IllegalArgumentException("model " + spec + ": data type must be floating point, got "
                    + dataType);
        }
        // the oneDNN helpers are looked up when layers are instantiated
        Dl4jRuntime.init();
        GraphBuilder graph = base
                .seed(dl4jSeed(seed))
                .dataType(dataType)
                .weightInit(WeightInit.RELU)
                .convolutionMode(ConvolutionMode.Truncate)
                .graphBuilder()
                .addInputs(INPUT)
                .setInputTypes(InputType.convolutional(spec.input().height(), spec.input().width(),
                        spec.input().channels()));
        String embedding = switch (spec.architecture()) {
            case RESNET20 -> ResNet20Builder.addTo(graph, spec, INPUT);
            case RESNET26, RESNET50 -> BottleneckResNetBuilder.addTo(graph, spec, INPUT);
            case VIT -> VitBuilder.addTo(graph, spec, INPUT);
        };
        graph.addLayer(LOSS, new LossLayer.Builder(headLoss).activation(Activation.IDENTITY).build(), embedding);
        graph.setOutputs(LOSS);
        return graph.build();
    }

    /**
     * The seed handed to DL4J for a user seed. DL4J M2.1 does not initialise deterministically with seed 0 (two
     * graphs built with {@code seed(0)} get different weights; any other value is reproducible, checked by
     * {@code ZooDeterminismTest}), and 0 is everyone's default seed, so seeds are mapped to a non-zero value.
     */
    public static long dl4jSeed(long seed) {
        long z = seed + 0x9E3779B97F4A7C15L; // splitmix64 step: distinct seeds stay distinct
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return z == 0 ? 1 : z;
    }

    /** Name of the embedding Linear: {@code linear} (ResNet-20), {@code fc} (ResNet-26/50), {@code head} (ViT). */
    public static String embeddingVertex(ModelSpec spec) {
        return switch (spec.architecture()) {
            case RESNET20 -> "linear";
            case RESNET26, RESNET50 -> "fc";
            case VIT -> "head";
        };
    }

    /** PyTorch's default Linear bias init, uniform(±1/√fan_in), drawn from the seed. */
    private static void initHeadBias(ComputationGraph graph, ModelSpec spec, long seed) {
        String name = embeddingVertex(spec);
        INDArray w = graph.getLayer(name).getParam("W");
        INDArray b = graph.getLayer(name).getParam("b");
        double bound = 1.0 / Math.sqrt(w.size(0));
        SplittableRandom rng = new SplittableRandom(seed ^ BIAS_SEED_SALT);
        INDArray fresh = b.dup();
        for (long i = 0; i < fresh.length(); i++) {
            fresh.putScalar(i, (rng.nextDouble() * 2 - 1) * bound);
        }
        graph.getLayer(name).setParam("b", fresh);
    }
}

package org.mudsc4j.zoo;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.graph.ReshapeVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.TimeDistributed;
import org.deeplearning4j.nn.weights.WeightInit;
import org.mudsc4j.zoo.layers.AttentionCore;
import org.mudsc4j.zoo.layers.ClassTokenEmbedding;
import org.mudsc4j.zoo.layers.ClassTokenSelect;
import org.mudsc4j.zoo.layers.ExactGelu;
import org.mudsc4j.zoo.layers.TokenLayerNorm;
import org.nd4j.linalg.activations.Activation;

/** timm's VisionTransformer (pre-norm, class-token pooling); see {@link ModelZoo} for the vertex names. */
final class VitBuilder {
    /** timm ViT LayerNorm eps. */
    static final double LN_EPS = 1e-6;
    /** timm initialises every block Linear with trunc_normal(std 0.02) and zero bias. */
    static final double LINEAR_STD = 0.02;

    private VitBuilder() {
    }

    /** Adds everything from {@code input} to the embedding Linear; returns the Linear's vertex name. */
    static String addTo(GraphBuilder graph, ModelSpec spec, String input) {
        ModelSpec.VitSettings v = spec.vit();
        int dim = v.dim();
        int patch = v.patch();
        int patches = (spec.input().height() / patch) * (spec.input().width() / patch);
        graph.addLayer("patch_embed.proj", new ConvolutionLayer.Builder(patch, patch).stride(patch, patch)
                .nIn(spec.input().channels()).nOut(dim).hasBias(true).convolutionMode(ConvolutionMode.Truncate)
                .weightInit(WeightInit.RELU).activation(Activation.IDENTITY).build(), input);
        // [B, D, h, w] -> NCW tokens [B, D, h·w], token index i·w + j as timm's flatten(2)
        graph.addVertex("patch_embed.flatten", new ReshapeVertex('c', new int[] {-1, dim, patches}, null),
                "patch_embed.proj");
        graph.addLayer("embed", new ClassTokenEmbedding("embed", dim, patches), "patch_embed.flatten");
        String x = "embed";
        int hidden = dim * v.mlpRatio();
        for (int i = 0; i < v.depth(); i++) {
            String b = "blocks." + i + ".";
            graph.addLayer(b + "norm1", new TokenLayerNorm(b + "norm1", dim, LN_EPS), x);
            graph.addLayer(b + "attn.qkv", tokenLinear(dim, 3 * dim), b + "norm1");
            graph.addLayer(b + "attn", new AttentionCore(b + "attn", dim, v.heads()), b + "attn.qkv");
            graph.addLayer(b + "attn.proj", tokenLinear(dim, dim), b + "attn");
            new GraphParts(graph, spec).add(b + "add1", x, b + "attn.proj");
            graph.addLayer(b + "norm2", new TokenLayerNorm(b + "norm2", dim, LN_EPS), b + "add1");
            graph.addLayer(b + "mlp.fc1", tokenLinear(dim, hidden), b + "norm2");
            graph.addLayer(b + "mlp.act", new ActivationLayer.Builder().activation(new ExactGelu()).build(),
                    b + "mlp.fc1");
            graph.addLayer(b + "mlp.fc2", tokenLinear(hidden, dim), b + "mlp.act");
            x = new GraphParts(graph, spec).add(b + "add2", b + "add1", b + "mlp.fc2");
        }
        graph.addLayer("norm", new TokenLayerNorm("norm", dim, LN_EPS), x);
        graph.addLayer("cls_select", new ClassTokenSelect("cls_select", dim), "norm");
        return new GraphParts(graph, spec).linear("head", "cls_select", dim, spec.embedDim());
    }

    /** A per-token Linear on NCW tokens; DL4J weight [in, out] = PyTorch weight transposed. */
    private static TimeDistributed tokenLinear(int in, int out) {
        DenseLayer dense = new DenseLayer.Builder().nIn(in).nOut(out).hasBias(true)
                .weightInit(new NormalDistribution(0, LINEAR_STD)).activation(Activation.IDENTITY).build();
        return new TimeDistributed(dense, RNNFormat.NCW);
    }
}

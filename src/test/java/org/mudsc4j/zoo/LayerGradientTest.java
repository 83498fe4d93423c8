package org.mudsc4j.zoo;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.recurrent.TimeDistributed;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.api.Layer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mudsc4j.dl4j.Dl4jRuntime;
import org.mudsc4j.zoo.layers.ClassTokenEmbedding;
import org.mudsc4j.zoo.layers.ClassTokenSelect;
import org.mudsc4j.zoo.layers.GroupNorm;
import org.mudsc4j.zoo.layers.TokenLayerNorm;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

/**
 * Double-precision gradient checks of the custom layers (each placed after a parameterised layer so that the
 * layer's input gradient is checked too). Without the 2x fix in FixedGradSameDiffLayer they fail with relative
 * error 1/3.
 */
class LayerGradientTest {

    @BeforeAll
    static void init() {
        Dl4jRuntime.init();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @org.junit.jupiter.api.AfterAll
    static void restore() {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
    }

    private static GraphBuilder graph(long seed) {
        return new NeuralNetConfiguration.Builder().updater(new NoOp()).seed(seed).dataType(DataType.DOUBLE)
                .weightInit(new NormalDistribution(0, 0.5)).graphBuilder().addInputs("in");
    }

    private static boolean check(ComputationGraph net, INDArray in, INDArray labels, Set<String> exclude) {
        return GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(net)
                .inputs(new INDArray[] {in}).labels(new INDArray[] {labels}).epsilon(1e-6).maxRelError(1e-5)
                .minAbsoluteError(1e-9).excludeParams(exclude).print(GradientCheckUtil.PrintMode.FAILURES_ONLY));
    }

    private static INDArray randn(long seed, long... shape) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(DataType.DOUBLE, shape);
    }

    /** Randomises the norm's affine params so that gamma/beta gradients are not at a special point. */
    private static void perturb(Layer layer, long seed) {
        for (String p : layer.paramTable().keySet()) {
            INDArray v = layer.getParam(p);
            layer.setParam(p, v.add(randn(seed + p.hashCode(), v.shape()).muli(0.3)));
        }
    }

    @Test
    void groupNorm() {
        GraphBuilder g = graph(1)
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).padding(1, 1).nIn(2).nOut(4)
                        .convolutionMode(ConvolutionMode.Truncate).activation(Activation.IDENTITY).build(), "in")
                .addLayer("gn", new GroupNorm("gn", 4, 2, 1e-5), "conv")
                .addLayer("tanh", new ActivationLayer.Builder().activation(Activation.TANH).build(), "gn")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "tanh")
                .addLayer("out", new DenseLayer.Builder().nIn(4).nOut(3).activation(Activation.IDENTITY).build(),
                        "pool")
                .addLayer("loss", new LossLayer.Builder(new LossMSE()).activation(Activation.IDENTITY).build(), "out")
                .setOutputs("loss").setInputTypes(InputType.convolutional(3, 3, 2));
        ComputationGraph net = new ComputationGraph(g.build());
        net.init();
        perturb(net.getLayer("gn"), 5);
        assertTrue(check(net, randn(2, 2, 2, 3, 3), randn(3, 2, 3), Set.of()));
    }

    @Test
    void layerNormClassTokenAndSelect() {
        int dim = 4;
        int patches = 3;
        GraphBuilder g = graph(2)
                .addLayer("lin", new TimeDistributed(new DenseLayer.Builder().nIn(3).nOut(dim)
                        .activation(Activation.IDENTITY).build(), RNNFormat.NCW), "in")
                .addLayer("embed", new ClassTokenEmbedding("embed", dim, patches), "lin")
                .addLayer("ln", new TokenLayerNorm("ln", dim, 1e-6), "embed")
                .addLayer("tanh", new ActivationLayer.Builder().activation(Activation.TANH).build(), "ln")
                .addLayer("cls", new ClassTokenSelect("cls", dim), "tanh")
                .addLayer("out", new DenseLayer.Builder().nIn(dim).nOut(2).activation(Activation.IDENTITY).build(),
                        "cls")
                .addLayer("loss", new LossLayer.Builder(new LossMSE()).activation(Activation.IDENTITY).build(), "out")
                .setOutputs("loss").setInputTypes(InputType.recurrent(3, patches, RNNFormat.NCW));
        ComputationGraph net = new ComputationGraph(g.build());
        net.init();
        perturb(net.getLayer("ln"), 6);
        perturb(net.getLayer("embed"), 7);
        assertTrue(check(net, randn(4, 2, 3, patches), randn(5, 2, 2), Set.of()));
    }

    /** A whole tiny ViT: covers the attention core, per-token linears, exact GELU and the residual adds. */
    @Test
    void tinyVit() {
        ModelSpec spec = ModelSpec.parse("vit-p4-d1-w8-h2-m2-e3@2x8x8");
        ComputationGraph net = ModelZoo.build(spec, 3, new LossMSE(), DataType.DOUBLE,
                new NeuralNetConfiguration.Builder().updater(new NoOp()));
        for (String norm : new String[] {"blocks.0.norm1", "blocks.0.norm2", "norm"}) {
            perturb(net.getLayer(norm), norm.length());
        }
        // make attention non-uniform: larger q/k weights
        net.getLayer("blocks.0.attn.qkv").setParam("W", randn(8, 8, 24));
        assertTrue(check(net, randn(9, 2, 2, 8, 8), randn(10, 2, 3), Set.of()));
    }
}

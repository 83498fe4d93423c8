package org.mudsc4j.zoo;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.mudsc4j.zoo.layers.GroupNorm;
import org.nd4j.linalg.activations.Activation;

/** Adds the named building blocks shared by the ResNet builders to a graph; each method returns the vertex name. */
final class GraphParts {
    /** PyTorch BatchNorm2d / GroupNorm default eps. */
    static final double NORM_EPS = 1e-5;
    /** DL4J decay 0.9 = PyTorch momentum 0.1. */
    static final double BN_DECAY = 0.9;

    private final GraphBuilder graph;
    private final ModelSpec spec;

    GraphParts(GraphBuilder graph, ModelSpec spec) {
        this.graph = graph;
        this.spec = spec;
    }

    /** Bias-free square convolution, PyTorch padding semantics (Truncate mode + explicit padding). */
    String conv(String name, String input, int in, int out, int kernel, int stride, int padding) {
        graph.addLayer(name, new ConvolutionLayer.Builder(kernel, kernel).stride(stride, stride)
                .padding(padding, padding).nIn(in).nOut(out).hasBias(false)
                .convolutionMode(ConvolutionMode.Truncate).weightInit(WeightInit.RELU)
                .activation(Activation.IDENTITY).build(), input);
        return name;
    }

    /** BatchNorm or GroupNorm (per the spec) without activation: ReLUs are separate vertices. */
    String norm(String name, String input, int channels) {
        switch (spec.norm()) {
            case BATCH -> graph.addLayer(name, new BatchNormalization.Builder().nIn(channels).nOut(channels)
                    .eps(NORM_EPS).decay(BN_DECAY).activation(Activation.IDENTITY).build(), input);
            case GROUP -> {
                if (channels % spec.groups() != 0) {
                    throw new IllegalArgumentException("model " + spec + ": norm '" + name + "' has " + channels
                            + " channels, not divisible by " + spec.groups() + " GroupNorm groups");
                }
                graph.addLayer(name, new GroupNorm(name, channels, spec.groups(), NORM_EPS), input);
            }
            default -> throw new IllegalArgumentException("model " + spec + ": norm " + spec.norm()
                    + " is not a ResNet norm");
        }
        return name;
    }

    String relu(String name, String input) {
        graph.addLayer(name, new ActivationLayer.Builder().activation(Activation.RELU).build(), input);
        return name;
    }

    String add(String name, String a, String b) {
        graph.addVertex(name, new ElementWiseVertex(ElementWiseVertex.Op.Add), a, b);
        return name;
    }

    /** The embedding Linear: Kaiming-normal weight; its bias is redrawn after init (see ModelZoo). */
    String linear(String name, String input, int in, int out) {
        graph.addLayer(name, new DenseLayer.Builder().nIn(in).nOut(out).hasBias(true).weightInit(WeightInit.RELU)
                .activation(Activation.IDENTITY).build(), input);
        return name;
    }
}

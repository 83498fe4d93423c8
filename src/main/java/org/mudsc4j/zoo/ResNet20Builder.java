package org.mudsc4j.zoo;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;

/** The CIFAR ResNet-20 family of the reference (models/resnets.py); see {@link ModelZoo} for the vertex names. */
final class ResNet20Builder {
    static final int BLOCKS_PER_STAGE = 3;

    private ResNet20Builder() {
    }

    /** Adds everything from {@code input} to the embedding Linear; returns the Linear's vertex name. */
    static String addTo(GraphBuilder graph, ModelSpec spec, String input) {
        GraphParts p = new GraphParts(graph, spec);
        int w = spec.widthMultiplier();
        int channels = 16 * w;
        String x = p.conv("conv1", input, spec.input().channels(), channels, 3, 1, 1);
        x = p.norm("bn1", x, channels);
        x = p.relu("relu", x);
        for (int stage = 1; stage <= 3; stage++) {
            int out = 16 * w << (stage - 1);
            for (int b = 0; b < BLOCKS_PER_STAGE; b++) {
                int stride = stage > 1 && b == 0 ? 2 : 1;
                x = basicBlock(p, "layer" + stage + "." + b + ".", x, channels, out, stride);
                channels = out;
            }
        }
        graph.addLayer("avgpool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), x);
        return p.linear("linear", "avgpool", channels, spec.embedDim());
    }

    private static String basicBlock(GraphParts p, String prefix, String input, int in, int out, int stride) {
        String y = p.conv(prefix + "conv1", input, in, out, 3, stride, 1);
        y = p.norm(prefix + "bn1", y, out);
        y = p.relu(prefix + "relu1", y);
        y = p.conv(prefix + "conv2", y, out, out, 3, 1, 1);
        y = p.norm(prefix + "bn2", y, out);
        String shortcut = input;
        if (stride != 1 || in != out) {
            // the reference uses a 3x3 (not 1x1) shortcut conv
            shortcut = p.conv(prefix + "shortcut.0", input, in, out, 3, stride, 1);
            shortcut = p.norm(prefix + "shortcut.1", shortcut, out);
        }
        String sum = p.add(prefix + "add", y, shortcut);
        return p.relu(prefix + "relu2", sum);
    }
}

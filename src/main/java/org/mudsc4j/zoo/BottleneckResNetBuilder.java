package org.mudsc4j.zoo;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;

/**
 * timm's Bottleneck ResNets (v1.5: stride on the 3x3 conv): resnet26 [2,2,2,2] and resnet50(_gn) [3,4,6,3]; see
 * {@link ModelZoo} for the vertex names.
 */
final class BottleneckResNetBuilder {
    static final int EXPANSION = 4;

    private BottleneckResNetBuilder() {
    }

    static int[] blocksPerStage(ModelSpec.Architecture arch) {
        return switch (arch) {
            case RESNET26 -> new int[] {2, 2, 2, 2};
            case RESNET50 -> new int[] {3, 4, 6, 3};
            default -> throw new IllegalArgumentException(arch + " is not a bottleneck ResNet");
        };
    }

    /** Adds everything from {@code input} to the embedding Linear; returns the Linear's vertex name. */
    static String addTo(GraphBuilder graph, ModelSpec spec, String input) {
        GraphParts p = new GraphParts(graph, spec);
        int base = spec.baseWidth();
        String x = p.conv("conv1", input, spec.input().channels(), base, 7, 2, 3);
        x = p.norm("bn1", x, base);
        x = p.relu("act1", x);
        graph.addLayer("maxpool", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                .kernelSize(3, 3).stride(2, 2).padding(1, 1).convolutionMode(ConvolutionMode.Truncate).build(), x);
        x = "maxpool";
        int channels = base;
        int[] blocks = blocksPerStage(spec.architecture());
        for (int stage = 1; stage <= blocks.length; stage++) {
            int inner = base << (stage - 1);
            int out = inner * EXPANSION;
            for (int b = 0; b < blocks[stage - 1]; b++) {
                int stride = stage > 1 && b == 0 ? 2 : 1;
                x = bottleneck(p, "layer" + stage + "." + b + ".", x, channels, inner, out, stride, b == 0);
                channels = out;
            }
        }
        graph.addLayer("global_pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), x);
        return p.linear("fc", "global_pool", channels, spec.embedDim());
    }

    private static String bottleneck(GraphParts p, String prefix, String input, int in, int inner, int out,
                                     int stride, boolean downsample) {
        String y = p.conv(prefix + "conv1", input, in, inner, 1, 1, 0);
        y = p.norm(prefix + "bn1", y, inner);
        y = p.relu(prefix + "act1", y);
        y = p.conv(prefix + "conv2", y, inner, inner, 3, stride, 1);
        y = p.norm(prefix + "bn2", y, inner);
        y = p.relu(prefix + "act2", y);
        y = p.conv(prefix + "conv3", y, inner, out, 1, 1, 0);
        y = p.norm(prefix + "bn3", y, out);
        String shortcut = input;
        if (downsample) {
            shortcut = p.conv(prefix + "downsample.0", input, in, out, 1, stride, 0);
            shortcut = p.norm(prefix + "downsample.1", shortcut, out);
        }
        String sum = p.add(prefix + "add", y, shortcut);
        return p.relu(prefix + "act3", sum);
    }
}

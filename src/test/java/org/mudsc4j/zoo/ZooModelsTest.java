package org.mudsc4j.zoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mudsc4j.zoo.layers.GroupNorm;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ZooModelsTest {

    private static INDArray input(ModelSpec spec, int batch, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(org.nd4j.linalg.api.buffer.DataType.FLOAT, batch, spec.input().channels(),
                spec.input().height(), spec.input().width());
    }

    @ParameterizedTest
    @CsvSource({"resnet20x1@3x16x16", "resnet20gnx1@3x16x16", "resnet20x1@1x28x28", "resnet20gnx1@1x28x28",
            "resnet26-b8-e16@3x32x32", "resnet50gn-g4-b8-e16@3x32x32", "vit-p4-d2-w16-h2-m2-e8@3x8x8"})
    void forwardGivesEmbedding(String text) {
        ModelSpec spec = ModelSpec.parse(text);
        ComputationGraph graph = ModelZoo.build(spec, 1);
        INDArray out = graph.outputSingle(input(spec, 2, 7));
        assertArrayEquals(new long[] {2, spec.embedDim()}, out.shape(), text);
        assertTrue(Double.isFinite(out.sumNumber().doubleValue()), text);
        assertEquals(1, graph.getConfiguration().getNetworkOutputs().size());
        assertEquals(ModelZoo.LOSS, graph.getConfiguration().getNetworkOutputs().get(0));
        assertEquals(List.of(ModelZoo.INPUT), graph.getConfiguration().getNetworkInputs());
    }

    @Test
    void resnet20VertexNamesAndParamCount() {
        ComputationGraph graph = ModelZoo.build(ModelSpec.resnet20(1, ModelSpec.Norm.BATCH), 3);
        List<String> expected = new ArrayList<>(List.of("input", "conv1", "bn1", "relu", "avgpool", "linear", "loss"));
        for (int s = 1; s <= 3; s++) {
            for (int b = 0; b < 3; b++) {
                for (String v : List.of("conv1", "bn1", "relu1", "conv2", "bn2", "add", "relu2")) {
                    expected.add("layer" + s + "." + b + "." + v);
                }
            }
        }
        expected.addAll(List.of("layer2.0.shortcut.0", "layer2.0.shortcut.1", "layer3.0.shortcut.0",
                "layer3.0.shortcut.1"));
        List<String> actual = new ArrayList<>(graph.getConfiguration().getVertices().keySet());
        actual.add("input");
        assertEquals(expected.stream().sorted().toList(), actual.stream().sorted().toList());
        assertTrue(graph.getLayer("layer2.0.shortcut.1") instanceof BatchNormalization);

        // PyTorch count: convs (no bias) + BN weight/bias + Linear(64 -> 512) with bias
        long convs = 3 * 16 * 9                                   // stem
                + 6 * 16 * 16 * 9                                 // layer1: 3 blocks x 2 convs
                + (16 * 32 * 9 + 32 * 32 * 9 + 16 * 32 * 9) + 4 * 32 * 32 * 9   // layer2 (3x3 shortcut)
                + (32 * 64 * 9 + 64 * 64 * 9 + 32 * 64 * 9) + 4 * 64 * 64 * 9;  // layer3
        long bnChannels = 16 + 6 * 16 + 7 * 32 + 7 * 64;
        long pytorch = convs + 2 * bnChannels + 64 * 512 + 512;
        assertEquals(325_584, pytorch);
        long runningStats = 0;
        for (Layer l : graph.getLayers()) {
            if (l instanceof BatchNormalization) {
                runningStats += l.getParam("mean").length() + l.getParam("log10stdev").length();
            }
        }
        assertEquals(2 * bnChannels, runningStats);
        assertEquals(pytorch, graph.numParams() - runningStats);
    }

    @Test
    void groupNormVariantKeepsNormNames() {
        ComputationGraph graph = ModelZoo.build(ModelSpec.parse("resnet20gnx1@3x16x16"), 3);
        for (String name : List.of("bn1", "layer1.0.bn1", "layer1.2.bn2", "layer2.0.shortcut.1", "layer3.0.shortcut.1")) {
            assertTrue(graph.getLayer(name).conf().getLayer() instanceof GroupNorm, name);
        }
        GroupNorm gn = (GroupNorm) graph.getLayer("layer3.0.shortcut.1").conf().getLayer();
        assertEquals(8, gn.getGroups());
        assertEquals(64, gn.getChannels());
        assertArrayEquals(new long[] {1, 64}, graph.getLayer("layer3.0.shortcut.1").getParam("gamma").shape());
    }

    @Test
    void bottleneckAndVitVertexNames() {
        ComputationGraph r26 = ModelZoo.build(ModelSpec.parse("resnet26-b8-e16@3x32x32"), 3);
        for (String v : List.of("conv1", "bn1", "act1", "maxpool", "layer1.0.downsample.0", "layer1.0.downsample.1",
                "layer4.1.conv3", "layer4.1.bn3", "layer4.1.add", "layer4.1.act3", "layer2.0.conv2", "global_pool",
                "fc", "loss")) {
            assertNotNull(r26.getVertex(v), v);
        }
        assertEquals(null, r26.getVertex("layer1.1.downsample.0"));
        assertArrayEquals(new long[] {64, 32, 1, 1}, r26.getLayer("layer2.0.downsample.0").getParam("W").shape());
        assertArrayEquals(new long[] {16, 16, 3, 3}, r26.getLayer("layer2.0.conv2").getParam("W").shape());

        ComputationGraph r50 = ModelZoo.build(ModelSpec.parse("resnet50gn-g4-b8-e16@3x32x32"), 3);
        assertNotNull(r50.getVertex("layer3.5.act3"));
        assertEquals(null, r50.getVertex("layer3.6.conv1"));
        assertTrue(r50.getLayer("layer4.0.downsample.1").conf().getLayer() instanceof GroupNorm);

        ComputationGraph vit = ModelZoo.build(ModelSpec.parse("vit-p4-d2-w16-h2-m2-e8@3x8x8"), 3);
        for (String v : List.of("patch_embed.proj", "patch_embed.flatten", "embed", "blocks.1.norm1",
                "blocks.1.attn.qkv", "blocks.1.attn", "blocks.1.attn.proj", "blocks.1.add1", "blocks.1.norm2",
                "blocks.1.mlp.fc1", "blocks.1.mlp.act", "blocks.1.mlp.fc2", "blocks.1.add2", "norm", "cls_select",
                "head", "loss")) {
            assertNotNull(vit.getVertex(v), v);
        }
        assertArrayEquals(new long[] {16, 48}, vit.getLayer("blocks.0.attn.qkv").getParam("W").shape());
        assertArrayEquals(new long[] {1, 16, 1}, vit.getLayer("embed").getParam("cls").shape());
        assertArrayEquals(new long[] {1, 16, 5}, vit.getLayer("embed").getParam("pos").shape());
        assertNotNull(vit.paramTable().get("embed_pos"));
        assertNotNull(vit.paramTable().get("blocks.0.mlp.fc1_W"));
    }

    @Test
    void convolutionsRunOnOneDnnHelper() throws Exception {
        ModelSpec spec = ModelSpec.parse("resnet20x1@3x16x16");
        ComputationGraph graph = ModelZoo.build(spec, 1);
        graph.outputSingle(input(spec, 2, 1));
        Field helper = ConvolutionLayer.class.getDeclaredField("helper");
        helper.setAccessible(true);
        for (String name : List.of("conv1", "layer1.0.conv1", "layer3.0.shortcut.0")) {
            Object h = helper.get(graph.getLayer(name));
            assertTrue(h instanceof MKLDNNConvHelper, name + " uses " + h + ", not oneDNN: the 10x slow path");
        }
    }

    @Test
    void seedDeterminesParameters() {
        for (String text : List.of("resnet20gnx1@3x16x16", "vit-p4-d1-w8-h2-m2-e8@3x8x8")) {
            ModelSpec spec = ModelSpec.parse(text);
            INDArray a = ModelZoo.build(spec, 42).params();
            INDArray b = ModelZoo.build(spec, 42).params();
            INDArray c = ModelZoo.build(spec, 43).params();
            assertEquals(a, b, text);
            assertNotEquals(a, c, text);
        }
        ComputationGraph g = ModelZoo.build(ModelSpec.parse("resnet20x1@3x16x16"), 5);
        INDArray bias = g.getLayer("linear").getParam("b");
        double bound = 1.0 / Math.sqrt(64);
        assertTrue(bias.amaxNumber().doubleValue() <= bound && bias.amaxNumber().doubleValue() > bound / 2);
    }
}

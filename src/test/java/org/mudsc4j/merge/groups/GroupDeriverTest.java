package org.mudsc4j.merge.groups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.mudsc4j.merge.MergeFixtures;
import org.mudsc4j.zoo.ModelSpec;
import org.mudsc4j.zoo.ModelZoo;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The derived groups match the reference's hand-written specs (ALGORITHM §9) and fail clearly on the unsupported. */
class GroupDeriverTest {

    private static UnitGroups derive(String spec) {
        return GroupDeriver.derive(ModelZoo.build(ModelSpec.parse(spec), 1));
    }

    /** Vertices whose parameters an entry list touches (norm running stats included). */
    private static Set<String> vertices(List<ParamAxis> axes) {
        return axes.stream().map(ParamAxis::vertex).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> set(String... names) {
        return new TreeSet<>(List.of(names));
    }

    @Test
    void resnet20MatchesTheReferenceSpec() {
        for (String spec : List.of("resnet20x1-e8@3x8x8", "resnet20gnx1-g4-e8@3x8x8")) {
            UnitGroups g = derive(spec);
            boolean gn = spec.contains("gn");
            assertEquals(12, g.size(), spec);
            // §9.1 table: group 0 = stem + stage-1 stream.
            UnitGroup s1 = g.get(0);
            assertEquals(set("conv1", "bn1", "layer1.0.conv2", "layer1.0.bn2", "layer1.1.conv2", "layer1.1.bn2",
                    "layer1.2.conv2", "layer1.2.bn2"), vertices(s1.outputs()));
            assertEquals(set("layer1.0.conv1", "layer1.1.conv1", "layer1.2.conv1", "layer2.0.conv1",
                    "layer2.0.shortcut.0"), vertices(s1.inputs()));
            assertEquals("layer1.2.relu2", s1.hook().vertex(), "input of layer2.0.shortcut.0");
            UnitGroup s2 = g.get(5);
            assertEquals(set("layer2.0.shortcut.0", "layer2.0.shortcut.1", "layer2.0.conv2", "layer2.0.bn2",
                    "layer2.1.conv2", "layer2.1.bn2", "layer2.2.conv2", "layer2.2.bn2"), vertices(s2.outputs()));
            assertEquals(set("layer2.1.conv1", "layer2.2.conv1", "layer3.0.conv1", "layer3.0.shortcut.0"),
                    vertices(s2.inputs()));
            UnitGroup s3 = g.get(9);
            assertEquals(set("layer3.1.conv1", "layer3.2.conv1", "linear"), vertices(s3.inputs()));
            assertEquals("layer3.2.relu2", s3.hook().vertex(), "input of avgpool");
            int[] inner = {1, 2, 3, 4, 6, 7, 8, 10, 11};
            String[] blocks = {"layer1.0", "layer1.1", "layer1.2", "layer2.0", "layer2.1", "layer2.2", "layer3.0",
                    "layer3.1", "layer3.2"};
            for (int k = 0; k < inner.length; k++) {
                UnitGroup u = g.get(inner[k]);
                String b = blocks[k];
                assertEquals(set(b + ".conv1", b + ".bn1"), vertices(u.outputs()), spec + " group " + inner[k]);
                assertEquals(set(b + ".conv2"), vertices(u.inputs()));
                assertEquals(b + ".relu1", u.hook().vertex(), "input of " + b + ".conv2");
            }
            int[] widths = {16, 16, 16, 16, 32, 32, 32, 32, 64, 64, 64, 64};
            for (int k = 0; k < 12; k++) {
                assertEquals(widths[k], g.get(k).width());
                assertEquals(gn ? 4 : 1, g.get(k).groups());
            }
            assertEquals(List.of("linear_b"), g.ungroupedParams(), "classifier bias averaged, output axis fixed");
            if (!gn) {
                long ignored = s1.outputs().stream().filter(a -> !a.inWeightVector()).count();
                assertEquals(8, ignored, "running mean/var of the 4 BN layers are ignored in weight vectors");
            }
        }
    }

    @Test
    void bottleneckResnetsMatchTheReferenceSpec() {
        UnitGroups r26 = derive("resnet26-b8-e8@3x32x32");
        assertEquals(21, r26.size());
        assertEquals(set("conv1", "bn1"), vertices(r26.get(0).outputs()));
        assertEquals(set("layer1.0.conv1", "layer1.0.downsample.0"), vertices(r26.get(0).inputs()));
        assertEquals("maxpool", r26.get(0).hook().vertex());
        // Creation order (§9.2): stem; layer1.0 inner ×2; layer1 residual; layer1.1 inner ×2; layer2.0 inner ×2; …
        List<String> expected = List.of("conv1", "layer1.0.conv1", "layer1.0.conv2", "residual:", "layer1.1.conv1",
                "layer1.1.conv2", "layer2.0.conv1", "layer2.0.conv2", "residual:", "layer2.1.conv1");
        for (int k = 0; k < expected.size(); k++) {
            assertTrue(r26.get(k).name().startsWith(expected.get(k)), k + ": " + r26.get(k).name());
        }
        UnitGroup res4 = r26.get(18);
        assertTrue(res4.name().startsWith("residual:"));
        assertEquals(set("layer4.1.conv1", "fc"), vertices(res4.inputs()));
        assertEquals("layer4.1.act3", res4.hook().vertex(), "input of global_pool");
        assertEquals(8 * 4 * 8, res4.width());

        UnitGroups r50 = derive("resnet50gn-g4-b8-e8@3x32x32");
        assertEquals(37, r50.size(), "1 stem + 4 residual + 2x16 inner groups");
        assertTrue(r50.groups().stream().allMatch(u -> u.groups() == 4));
        assertEquals(4, r50.groups().stream().filter(u -> u.name().startsWith("residual:")).count());
    }

    @Test
    void vitMatchesTheReferenceSpec() {
        UnitGroups g = derive("vit-p4-d2-w16-h2-m2-e8@3x8x8");
        assertEquals(1 + 3 * 2, g.size());
        UnitGroup stream = g.get(0);
        assertEquals("cls_select", stream.hook().vertex(), "final normalised class token = input of head");
        assertEquals(set("patch_embed.proj", "embed", "blocks.0.norm1", "blocks.0.attn.proj", "blocks.0.norm2",
                "blocks.0.mlp.fc2", "blocks.1.norm1", "blocks.1.attn.proj", "blocks.1.norm2", "blocks.1.mlp.fc2",
                "norm"), vertices(stream.outputs()));
        assertEquals(set("blocks.0.attn.qkv", "blocks.0.mlp.fc1", "blocks.1.attn.qkv", "blocks.1.mlp.fc1", "head"),
                vertices(stream.inputs()));
        for (int b = 0; b < 2; b++) {
            UnitGroup qk = g.get(1 + 3 * b);
            UnitGroup v = g.get(2 + 3 * b);
            UnitGroup mlp = g.get(3 + 3 * b);
            String p = "blocks." + b + ".";
            assertEquals(2, qk.groups(), "q/k grouped by heads");
            assertEquals(List.of(0, 0, 16, 16), qk.outputs().stream().map(ParamAxis::offset).toList());
            assertTrue(qk.inputs().isEmpty());
            assertEquals(new FeatureHook(p + "attn.qkv", 16), qk.hook(), "the keys");
            assertEquals(2, v.groups());
            assertEquals(qk.blockTie(), v.blockTie(), "q/k and v heads keep one head order");
            assertEquals(p + "attn", v.blockTie());
            assertEquals(List.of(32, 32), v.outputs().stream().map(ParamAxis::offset).toList());
            assertEquals(set(p + "attn.proj"), vertices(v.inputs()));
            assertEquals(p + "attn", v.hook().vertex(), "input of attn.proj");
            assertEquals(1, mlp.groups());
            assertEquals(32, mlp.width());
            assertEquals(p + "mlp.act", mlp.hook().vertex(), "input of fc2");
        }
    }

    @Test
    void aUsersOwnMlpGetsOneGroupPerHiddenLayer() {
        int[] hidden = {12, 10, 8};
        UnitGroups derived = GroupDeriver.derive(MergeFixtures.mlp(5, hidden, 4, 1));
        UnitGroups handWritten = MergeFixtures.mlpGroups(hidden);
        assertEquals(handWritten.size(), derived.size());
        for (int k = 0; k < hidden.length; k++) {
            assertEquals(handWritten.get(k).outputs(), derived.get(k).outputs());
            assertEquals(handWritten.get(k).inputs(), derived.get(k).inputs());
            assertEquals(handWritten.get(k).hook(), derived.get(k).hook());
        }
        assertEquals(handWritten.ungroupedParams(), derived.ungroupedParams());
    }

    @Test
    void unsupportedVerticesAreNamed() {
        var concat = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in")
                .setInputTypes(InputType.feedForward(4))
                .addLayer("a", new DenseLayer.Builder().nOut(3).build(), "in")
                .addLayer("b", new DenseLayer.Builder().nOut(3).build(), "in")
                .addVertex("cat", new MergeVertex(), "a", "b")
                .addLayer("out", new DenseLayer.Builder().nOut(2).build(), "cat")
                .addLayer("loss", new LossLayer.Builder().lossFunction(LossFunctions.LossFunction.MSE).build(), "out")
                .setOutputs("loss").build();
        ComputationGraph g1 = new ComputationGraph(concat);
        g1.init();
        UnsupportedTopologyException e = assertThrows(UnsupportedTopologyException.class,
                () -> GroupDeriver.derive(g1));
        assertTrue(e.getMessage().contains("'cat'") && e.getMessage().contains("MergeVertex"), e.getMessage());

        var flatten = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in")
                .setInputTypes(InputType.convolutional(6, 6, 1))
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(4).build(), "in")
                .addLayer("fc", new DenseLayer.Builder().nOut(3).build(), "conv")
                .addLayer("loss", new LossLayer.Builder().lossFunction(LossFunctions.LossFunction.MSE).build(), "fc")
                .setOutputs("loss").build();
        ComputationGraph g2 = new ComputationGraph(flatten);
        g2.init();
        e = assertThrows(UnsupportedTopologyException.class, () -> GroupDeriver.derive(g2));
        assertTrue(e.getMessage().contains("'fc'"), e.getMessage());
    }
}

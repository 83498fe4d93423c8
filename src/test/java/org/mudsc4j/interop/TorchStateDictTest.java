package org.mudsc4j.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mudsc4j.zoo.ModelSpec;
import org.mudsc4j.zoo.ModelZoo;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class TorchStateDictTest {

    static void randomiseStatistics(ComputationGraph g, long seed) {
        Random r = new Random(seed);
        for (Map.Entry<String, INDArray> e : g.paramTable().entrySet()) {
            if (e.getKey().endsWith("_mean") || e.getKey().endsWith("_log10stdev")) {
                INDArray v = e.getValue().dup();
                for (long i = 0; i < v.length(); i++) {
                    v.putScalar(i, 0.2 * r.nextGaussian());
                }
                g.setParam(e.getKey(), v);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"resnet20x1-e8@3x8x8", "resnet20gnx1-e8@3x8x8", "resnet26-b8-e8@3x32x32",
            "resnet50gn-g4-b8-e8@3x32x32", "vit-p4-d2-w16-h2-m2-e8@3x8x8"})
    void exportThenImportGivesIdenticalParametersAndOutputs(String specText, @TempDir Path dir) throws IOException {
        ModelSpec spec = ModelSpec.parse(specText);
        ComputationGraph a = ModelZoo.build(spec, 1);
        randomiseStatistics(a, 2);
        Path npz = dir.resolve("m.npz");
        Map<String, INDArray> sd = TorchStateDict.export(a);
        sd.put(TorchStateDict.METADATA, TorchStateDict.metadataArray("{\"architecture\":\"" + spec.compact() + "\"}"));
        NpzFile.write(npz, sd);
        Map<String, INDArray> back = NpzFile.read(npz);
        assertEquals("{\"architecture\":\"" + spec.compact() + "\"}",
                TorchStateDict.metadataJson(back.get(TorchStateDict.METADATA)));
        ComputationGraph b = ModelZoo.build(spec, 99);
        TorchStateDict.load(b, back);
        for (String key : a.paramTable().keySet()) {
            INDArray pa = a.getParam(key);
            INDArray pb = b.getParam(key);
            double tol = key.endsWith("_log10stdev") ? 1e-6 : 0;
            assertTrue(pa.equalsWithEps(pb, tol), key);
        }
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, spec.input().channels(), spec.input().height(), spec.input().width());
        INDArray ya = a.outputSingle(false, x);
        double rel = ya.sub(b.outputSingle(false, x)).amaxNumber().doubleValue() / ya.amaxNumber().doubleValue();
        assertTrue(rel <= 1e-4, "outputs differ by " + rel + " (running std passes through float32 variance)");
    }

    @Test
    void pytorchNamesAndShapesFollowTheReference() {
        Map<String, INDArray> sd = TorchStateDict.export(ModelZoo.build(ModelSpec.parse("resnet20x1"), 1));
        assertArrayEquals(new long[] {16, 3, 3, 3}, sd.get("conv1.weight").shape());
        assertArrayEquals(new long[] {16}, sd.get("bn1.running_var").shape());
        assertArrayEquals(new long[] {32, 16, 3, 3}, sd.get("layer2.0.shortcut.0.weight").shape());
        assertArrayEquals(new long[] {512, 64}, sd.get("linear.weight").shape(), "dense weights are [out, in]");
        assertEquals(DataType.LONG, sd.get("bn1.num_batches_tracked").dataType());
        Map<String, INDArray> vit = TorchStateDict.export(ModelZoo.build(ModelSpec.parse("vit-p4-d2-w16-h2-m2-e8@3x8x8"),
                1));
        assertArrayEquals(new long[] {48, 16}, vit.get("blocks.0.attn.qkv.weight").shape(), "qkv fused");
        assertArrayEquals(new long[] {1, 1, 16}, vit.get("cls_token").shape());
        assertArrayEquals(new long[] {1, 5, 16}, vit.get("pos_embed").shape());
        assertArrayEquals(new long[] {16}, vit.get("blocks.1.norm2.weight").shape());
    }

    @Test
    void aMisfitStateDictListsEveryProblemAtOnce() {
        ComputationGraph g = ModelZoo.build(ModelSpec.parse("resnet20x1-e8@3x8x8"), 1);
        Map<String, INDArray> sd = TorchStateDict.export(g);
        sd.remove("layer1.0.conv1.weight");
        sd.put("layer9.0.conv1.weight", Nd4j.zeros(2, 2));
        sd.put("linear.bias", Nd4j.zeros(DataType.FLOAT, 7));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TorchStateDict.load(g, sd));
        String m = e.getMessage();
        assertTrue(m.contains("missing: layer1.0.conv1.weight") && m.contains("unexpected: layer9.0.conv1.weight")
                && m.contains("linear.bias is [7], expected [8]"), m);
    }
}

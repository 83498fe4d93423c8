package org.mudsc4j.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.nio.file.Path;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** ModelSerializer round trip: the custom layer configs survive JSON and the params and outputs are identical. */
class SerializationTest {

    @ParameterizedTest
    @ValueSource(strings = {"resnet20gnx1-e16@3x16x16", "vit-p4-d2-w16-h2-m2-e8@3x8x8"})
    void saveLoadRoundTrip(String text, @TempDir Path dir) throws Exception {
        ModelSpec spec = ModelSpec.parse(text);
        ComputationGraph graph = ModelZoo.build(spec, 11);
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.randn(DataType.FLOAT, 2, spec.input().channels(), spec.input().height(),
                spec.input().width());
        INDArray before = graph.outputSingle(x.dup());
        File file = dir.resolve("model.zip").toFile();
        ModelSerializer.writeModel(graph, file, false);
        ComputationGraph loaded = ModelSerializer.restoreComputationGraph(file, false);
        assertEquals(graph.getConfiguration().toJson(), loaded.getConfiguration().toJson());
        assertEquals(graph.params(), loaded.params());
        assertEquals(before, loaded.outputSingle(x.dup()));
    }
}

package org.mudsc4j.interop;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mudsc4j.zoo.ModelSpec;
import org.mudsc4j.zoo.ModelZoo;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Models built and run by PyTorch (src/test/python/torch_reference.py make-fixture, committed under
 * src/test/resources/interop) compute the same outputs after import into DL4J.
 */
class PytorchFixtureTest {
    private static final Path DIR = Path.of("src/test/resources/interop");

    @ParameterizedTest
    @ValueSource(strings = {"resnet20x1-e8", "resnet20gnx1-e8"})
    void anImportedPytorchModelComputesTheSameOutputs(String name) throws IOException {
        Map<String, INDArray> sd = NpzFile.read(DIR.resolve(name + ".npz"));
        String arch = new ObjectMapper().readTree(TorchStateDict.metadataJson(sd.get(TorchStateDict.METADATA)))
                .get("architecture").asText();
        ComputationGraph graph = ModelZoo.build(ModelSpec.parse(arch), 123);
        TorchStateDict.load(graph, sd);
        Map<String, INDArray> io = NpzFile.read(DIR.resolve(name + "-io.npz"));
        INDArray expected = io.get("output");
        INDArray actual = graph.outputSingle(false, io.get("input"));
        double rel = expected.sub(actual).amaxNumber().doubleValue() / expected.amaxNumber().doubleValue();
        assertTrue(rel <= 1e-4, name + ": max relative error " + rel);
    }
}

package org.mudsc4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.mudsc4j.dl4j.Dl4jRuntime;
import org.mudsc4j.interop.NpzFile;
import org.mudsc4j.interop.TorchStateDict;
import org.mudsc4j.train.Checkpoint;
import org.mudsc4j.train.CheckpointInfo;
import org.mudsc4j.train.RunIdentity;
import org.mudsc4j.train.TrainConfig;
import org.mudsc4j.zoo.ModelSpec;
import org.mudsc4j.zoo.ModelZoo;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Builds a zoo graph from a PyTorch state_dict (.npz) and saves it as a finished task checkpoint. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Import a PyTorch state_dict (.npz, reference module names) into the zoo architecture and save"
                + " it as a finished checkpoint that merge, eval and export accept. Every missing, unexpected or"
                + " mis-shaped tensor is reported at once."})
public final class ImportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NPZ", description = "The state_dict .npz")
    Path npz;
    @Option(names = "--out", required = true, description = "Checkpoint .zip to write")
    Path out;
    @Option(names = "--model", description = "Architecture spec (default: the file's __metadata__ architecture)")
    String model;
    @Option(names = "--dataset", description = "Dataset the model was trained on (default: from __metadata__)")
    String dataset;
    @Option(names = "--classes", description = "The model's task classes, e.g. 6,7,3,0,5 (default: from __metadata__ split)")
    String classes;
    @Option(names = "--overwrite", description = "Replace an existing checkpoint")
    boolean overwrite;

    @Override
    public Integer call() throws Exception {
        if (!overwrite && Files.exists(out)) {
            throw new IllegalArgumentException(out + " already exists; pass --overwrite to replace it");
        }
        Map<String, INDArray> sd = NpzFile.read(npz);
        JsonNode meta = sd.containsKey(TorchStateDict.METADATA)
                ? new ObjectMapper().readTree(TorchStateDict.metadataJson(sd.get(TorchStateDict.METADATA)))
                : new ObjectMapper().createObjectNode();
        String arch = model != null ? model : meta.path("architecture").asText(null);
        if (arch == null) {
            throw new IllegalArgumentException(npz + " has no architecture in __metadata__; pass --model");
        }
        ModelSpec spec = ModelSpec.parse(arch);
        ComputationGraph graph = ModelZoo.build(spec, 0);
        try {
            TorchStateDict.load(graph, sd);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(npz + " does not fit " + spec.compact() + (model != null ? " (--model)"
                    : " (its __metadata__ architecture)") + ": " + e.getMessage().replaceFirst("^the state_dict does"
                    + " not fit the architecture:", "").strip(), e);
        }
        Map<String, String> run = new LinkedHashMap<>();
        putIf(run, "dataset", dataset != null ? dataset : meta.path("dataset").asText(null));
        putIf(run, "split", classes != null ? "[" + classes + "]" : meta.path("split").asText(null));
        putIf(run, "embeddings", meta.path("embeddings").asText(null));
        run.put("imported", npz.toString());
        String now = Instant.now().toString();
        // An imported model is a finished model of unknown training history.
        CheckpointInfo info = new CheckpointInfo(Checkpoint.FORMAT_VERSION, new RunIdentity(spec.compact(), run),
                TrainConfig.of(1, 1, 0.1, 0), 0, 1, graph.numParams(), graph.getEpochCount(), true, List.of(), 0,
                null, Dl4jRuntime.software(), now, now);
        Checkpoint.save(out, graph, info);
        System.out.println("Imported " + spec.compact() + " (" + graph.numParams() + " parameters) into " + out);
        return 0;
    }

    private static void putIf(Map<String, String> m, String k, String v) {
        if (v != null && !v.isEmpty()) {
            m.put(k, v);
        }
    }
}

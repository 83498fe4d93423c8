package org.mudsc4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.mudsc4j.data.DatasetKind;
import org.mudsc4j.interop.NpzFile;
import org.mudsc4j.interop.TorchStateDict;
import org.mudsc4j.merge.MergedModelFile;
import org.mudsc4j.sweep.PairData;
import org.mudsc4j.train.Checkpoint;
import org.mudsc4j.train.CheckpointInfo;
import org.mudsc4j.train.ClassEmbeddings;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Writes a task checkpoint or merged model as a PyTorch-layout state_dict (.npz). */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Export a model (task checkpoint or merged model) as a PyTorch state_dict in .npz: reference"
                + " module names, PyTorch shapes, float32, BatchNorm running_var, plus __class_embeddings__ and"
                + " __metadata__ (JSON)."})
public final class ExportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "Model .zip with its .json sidecar")
    Path model;
    @Option(names = "--out", description = "Output .npz (default: the model's name with .npz)")
    Path out;
    @Option(names = "--embeddings", description = "Class-embedding .npy the model was trained with (default: the seeded set)")
    Path embeddingsFile;
    @Option(names = "--overwrite", description = "Replace an existing output")
    boolean overwrite;

    @Override
    public Integer call() throws Exception {
        SavedModels.requireFiles(List.of(model));
        Path target = out != null ? out : model.resolveSibling(model.getFileName().toString().replaceFirst("\\.zip$", "")
                + ".npz");
        if (Files.exists(target) && !overwrite) {
            throw new IllegalArgumentException(target + " already exists; pass --overwrite to replace it");
        }
        Map<String, Object> meta = new LinkedHashMap<>();
        if (SavedModels.isTaskCheckpoint(model)) {
            CheckpointInfo info = Checkpoint.readInfo(model);
            meta.put("architecture", info.run().architecture());
            meta.putAll(info.run().metadata());
        } else if (Files.exists(MergedModelFile.sidecarOf(model))) {
            MergedModelFile.Info info = MergedModelFile.readInfo(model);
            meta.put("architecture", info.architecture());
            meta.put("merge method", info.method());
            meta.put("alpha", info.alpha());
            meta.putAll(info.metadata());
        } else {
            throw new IllegalArgumentException(model + " has no sidecar (.json); export needs to know its architecture");
        }
        ComputationGraph graph = SavedModels.load(model);
        Map<String, INDArray> sd = TorchStateDict.export(graph);
        Object dataset = meta.get("dataset");
        if (dataset != null) {
            ClassEmbeddings emb = PairData.embeddings(DatasetKind.parse(dataset.toString()), embeddingsFile);
            sd.put(TorchStateDict.EMBEDDINGS, emb.matrix());
            meta.put("embeddings", emb.id());
        }
        meta.put("source", "mudsc4j export of " + model.getFileName());
        sd.put(TorchStateDict.METADATA, TorchStateDict.metadataArray(new ObjectMapper().writeValueAsString(meta)));
        NpzFile.write(target, sd);
        System.out.println("Wrote " + (sd.size() - 2) + " tensors to " + target);
        return 0;
    }
}

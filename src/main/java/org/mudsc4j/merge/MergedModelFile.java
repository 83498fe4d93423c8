package org.mudsc4j.merge;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.mudsc4j.util.AtomicFiles;

/**
 * A merged model on disk: a plain DL4J model zip (loadable by {@code eval}, {@code train} or any DL4J code) and a JSON
 * sidecar {@code <name>.json} that says how it was made. Both are written atomically; an existing file is only
 * replaced when the caller asks.
 */
public final class MergedModelFile {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private MergedModelFile() {
    }

    /**
     * Provenance of a merged model.
     *
     * @param architecture compact model spec shared by the inputs
     * @param method       merge method id
     * @param alpha        balanced factor (MuDSC variants)
     * @param seed         seed of the sweep order and of the data passes
     * @param inputs       checkpoint paths of the merged models, in order (the first is the anchor)
     * @param metadata     dataset, splits, class-embedding id and other run facts
     * @param sweeps       objective of every weight-space sweep
     * @param metrics      accuracies measured after merging (may be empty)
     * @param seconds      time of each stage
     * @param software     library versions and backend
     * @param created      ISO-8601 time
     */
    public record Info(String architecture, String method, double alpha, long seed, List<String> inputs,
                       Map<String, String> metadata, List<Double> sweeps, Map<String, Double> metrics,
                       Map<String, Double> seconds, String software, String created) {
    }

    public static Path sidecarOf(Path zip) {
        String name = zip.getFileName().toString();
        String base = name.endsWith(".zip") ? name.substring(0, name.length() - 4) : name;
        return zip.resolveSibling(base + ".json");
    }

    /**
     * @throws IOException if the zip exists and {@code overwrite} is false, or on write failure
     */
    public static void save(Path zip, ComputationGraph graph, Info info, boolean overwrite) throws IOException {
        checkTarget(zip, overwrite);
        AtomicFiles.writeVia(zip, tmp -> ModelSerializer.writeModel(graph, tmp.toFile(), false));
        try {
            AtomicFiles.writeString(sidecarOf(zip), JSON.writeValueAsString(info));
        } catch (IOException | RuntimeException e) {
            // A model without its provenance is not a result: take it away again rather than leave half a save.
            Files.deleteIfExists(zip);
            throw e;
        }
    }

    /**
     * Fails, before any work, when saving to {@code zip} would replace an earlier result unasked (naming a lone file
     * that an interrupted save left behind) or could not be written at all.
     */
    public static void checkTarget(Path zip, boolean overwrite) throws IOException {
        if (!overwrite && (Files.exists(zip) || Files.exists(sidecarOf(zip)))) {
            boolean lone = Files.exists(zip) != Files.exists(sidecarOf(zip));
            throw new IOException((Files.exists(zip) ? zip : sidecarOf(zip)) + " already exists"
                    + (lone ? " without its " + (Files.exists(zip) ? "sidecar " + sidecarOf(zip).getFileName()
                    : "model " + zip.getFileName()) + " (an earlier save was interrupted)" : "")
                    + "; pass --overwrite to replace it");
        }
        AtomicFiles.requireWritable(zip);
    }

    public static Info readInfo(Path zip) throws IOException {
        return JSON.readValue(sidecarOf(zip).toFile(), Info.class);
    }
}

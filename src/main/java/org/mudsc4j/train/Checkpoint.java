package org.mudsc4j.train;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.mudsc4j.util.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A training checkpoint: the DL4J model zip {@code <name>.zip} (configuration, parameters, updater state and
 * the iteration/epoch counters) plus the JSON sidecar {@code <name>.json} ({@link CheckpointInfo}). Both are
 * written atomically, zip first; the sidecar records the zip's SHA-256, so a zip replaced after its sidecar
 * (or a save interrupted between the two files) is detected on load instead of silently used.
 */
public final class Checkpoint {
    /** Version of the sidecar format; bump on incompatible changes. */
    public static final int FORMAT_VERSION = 1;
    private static final Logger LOG = LoggerFactory.getLogger(Checkpoint.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES); // newer sidecars stay readable

    private Checkpoint() {
    }

    /** A restored network with its sidecar. */
    public record Loaded(ComputationGraph graph, CheckpointInfo info) {
    }

    /** {@code foo.zip → foo.json}. */
    public static Path sidecarOf(Path zip) {
        String name = zip.getFileName().toString();
        if (!name.endsWith(".zip")) {
            throw new IllegalArgumentException("Checkpoint file name must end with .zip: " + zip);
        }
        return zip.resolveSibling(name.substring(0, name.length() - 4) + ".json");
    }

    /** True if either file of the checkpoint exists (a lone file is a damaged checkpoint, not an absent one). */
    public static boolean exists(Path zip) {
        return Files.exists(zip) || Files.exists(sidecarOf(zip));
    }

    /** Reads and validates the sidecar only. */
    public static CheckpointInfo readInfo(Path zip) throws CheckpointException {
        Path sidecar = sidecarOf(zip);
        if (!Files.isRegularFile(sidecar)) {
            throw new CheckpointException("Checkpoint sidecar " + sidecar + " is missing"
                    + (Files.exists(zip) ? " (the model zip exists: the save was interrupted or the sidecar was "
                    + "deleted; remove " + zip + " or retrain with overwrite)" : ""));
        }
        CheckpointInfo info;
        try {
            info = JSON.readValue(sidecar.toFile(), CheckpointInfo.class);
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException("Checkpoint sidecar " + sidecar + " is corrupt: " + e.getMessage(), e);
        }
        if (info == null || info.run() == null || info.config() == null) {
            throw new CheckpointException("Checkpoint sidecar " + sidecar + " is incomplete (no run or config)");
        }
        if (info.formatVersion() != FORMAT_VERSION) {
            throw new CheckpointException("Checkpoint sidecar " + sidecar + " has format version "
                    + info.formatVersion() + "; this build reads version " + FORMAT_VERSION);
        }
        return info.withCanonicalEmbeddingsId();
    }

    /**
     * Restores network (with updater state and counters) and sidecar, checking that they belong together.
     */
    public static Loaded load(Path zip) throws CheckpointException {
        CheckpointInfo info = readInfo(zip);
        if (!Files.isRegularFile(zip)) {
            throw new CheckpointException("Checkpoint model " + zip + " is missing (its sidecar "
                    + sidecarOf(zip).getFileName() + " exists)");
        }
        String sha;
        try {
            sha = FileHashes.sha256Hex(zip);
        } catch (IOException e) {
            throw new CheckpointException("Cannot read checkpoint model " + zip + ": " + e.getMessage(), e);
        }
        if (!sha.equals(info.zipSha256())) {
            throw new CheckpointException("Checkpoint model " + zip + " does not match its sidecar "
                    + sidecarOf(zip).getFileName() + " (SHA-256 " + sha.substring(0, 16) + "…, the sidecar expects "
                    + shortHash(info.zipSha256()) + "): it is truncated or was modified after saving; restore it from"
                    + " a copy, or train it again with --overwrite");
        }
        ComputationGraph graph;
        try {
            graph = ModelSerializer.restoreComputationGraph(zip.toFile(), true);
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException("Checkpoint model " + zip + " is not a readable DL4J ComputationGraph: "
                    + e.getMessage(), e);
        }
        if (graph.numParams() != info.numParams()) {
            throw new CheckpointException("Checkpoint model " + zip + " has " + graph.numParams()
                    + " parameters, its sidecar says " + info.numParams());
        }
        if (graph.getEpochCount() != info.epochsCompleted()) {
            throw new CheckpointException("Checkpoint model " + zip + " has completed " + graph.getEpochCount()
                    + " epochs, its sidecar says " + info.epochsCompleted());
        }
        try {
            ParameterChecks.requireFinite(graph, zip);
        } catch (IOException e) {
            throw new CheckpointException("Checkpoint model " + e.getMessage(), e);
        }
        LOG.debug("Loaded checkpoint {} ({} of {} epochs)", zip, info.epochsCompleted(), info.config().epochs());
        return new Loaded(graph, info);
    }

    private static String shortHash(String sha) {
        return sha == null ? "(none recorded)" : sha.substring(0, Math.min(16, sha.length())) + "…";
    }

    /**
     * Loads a finished checkpoint for reuse, refusing unfinished ones and ones made for a different run.
     */
    public static Loaded loadFinished(Path zip, RunIdentity expected) throws CheckpointException {
        CheckpointInfo info = readInfo(zip);
        List<String> diff = info.run().differences(expected);
        if (!diff.isEmpty()) {
            throw new CheckpointConflictException("Checkpoint " + zip + " was made for a different run: "
                    + String.join("; ", diff) + " (checkpoint vs requested)");
        }
        if (!info.finished()) {
            throw new CheckpointConflictException("Checkpoint " + zip + " is not finished (" + info.epochsCompleted()
                    + " of " + info.config().epochs() + " epochs); train it to completion first");
        }
        return load(zip);
    }

    /**
     * Writes the zip (with updater state) and then the sidecar, each atomically.
     *
     * @return {@code info} as saved (with the zip's hash and the update time)
     */
    public static CheckpointInfo save(Path zip, ComputationGraph graph, CheckpointInfo info) throws IOException {
        Path sidecar = sidecarOf(zip);
        AtomicFiles.writeVia(zip, tmp -> ModelSerializer.writeModel(graph, tmp.toFile(), true));
        CheckpointInfo saved = info.savedAs(FileHashes.sha256Hex(zip));
        AtomicFiles.writeString(sidecar, JSON.writeValueAsString(saved));
        LOG.debug("Saved checkpoint {} ({} of {} epochs)", zip, saved.epochsCompleted(), saved.config().epochs());
        return saved;
    }
}

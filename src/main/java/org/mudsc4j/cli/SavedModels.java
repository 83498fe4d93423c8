package org.mudsc4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.mudsc4j.train.Checkpoint;
import org.mudsc4j.train.ParameterChecks;

/**
 * Reads any model zip the commands accept: a task checkpoint (verified against its sidecar's SHA-256) or a merged or
 * foreign DL4J model, with errors that name the file.
 */
final class SavedModels {
    private SavedModels() {
    }

    /** Fails before any slow work (datasets, training) when a model file is missing. */
    static void requireFiles(List<Path> models) {
        for (Path p : models) {
            if (!Files.isRegularFile(p)) {
                throw new IllegalArgumentException("model file " + p.toAbsolutePath().normalize()
                        + (Files.isDirectory(p) ? " is a folder, expected a .zip" : " does not exist"));
            }
        }
    }

    static ComputationGraph load(Path zip) throws IOException {
        if (isTaskCheckpoint(zip)) {
            return Checkpoint.load(zip).graph();
        }
        ComputationGraph graph;
        try {
            graph = ModelSerializer.restoreComputationGraph(zip.toFile(), false);
        } catch (IOException | RuntimeException e) {
            throw new IOException(zip + " is not a readable DL4J ComputationGraph zip (" + CliErrors.message(e)
                    + "); it may be truncated or not a model: save or copy it again", e);
        }
        ParameterChecks.requireFinite(graph, zip);
        return graph;
    }

    /** A checkpoint's sidecar exists and is readable (merged models have a sidecar of another kind). */
    static boolean isTaskCheckpoint(Path zip) {
        if (!zip.getFileName().toString().endsWith(".zip") || !Files.isRegularFile(Checkpoint.sidecarOf(zip))) {
            return false;
        }
        try {
            Checkpoint.readInfo(zip);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}

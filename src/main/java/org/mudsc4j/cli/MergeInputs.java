package org.mudsc4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.mudsc4j.data.ClassSplit;
import org.mudsc4j.data.DatasetKind;
import org.mudsc4j.train.Checkpoint;
import org.mudsc4j.train.CheckpointInfo;
import org.mudsc4j.train.ClassEmbeddings;

/**
 * Finished task checkpoints that are to be merged, checked for compatibility: one architecture, one dataset, one
 * class-embedding matrix (else the models do not share an output space), pairwise disjoint class splits.
 */
record MergeInputs(List<Path> paths, List<ComputationGraph> models, String architecture, DatasetKind kind,
                   List<ClassSplit> splits, String embeddingsId) {

    static MergeInputs load(List<Path> paths) throws IOException {
        if (paths.size() < 2) {
            throw new IllegalArgumentException("merging needs at least 2 checkpoints, got " + paths.size());
        }
        SavedModels.requireFiles(paths);
        List<ComputationGraph> models = new ArrayList<>();
        List<ClassSplit> splits = new ArrayList<>();
        String arch = null;
        String dataset = null;
        String emb = null;
        for (Path p : paths) {
            Checkpoint.Loaded loaded = Checkpoint.load(p); // its errors name the file and what to do
            CheckpointInfo info = loaded.info();
            if (!info.finished()) {
                throw new IllegalArgumentException("checkpoint " + p + " is unfinished (" + info.epochsCompleted() + " of "
                        + info.config().epochs() + " epochs); finish it with the train command first");
            }
            String a = info.run().architecture();
            String d = require(info, "dataset", p);
            String e = require(info, CheckpointInfo.EMBEDDINGS_KEY, p);
            if (arch != null && !arch.equals(a)) {
                throw new IllegalArgumentException("architectures differ: " + paths.get(0) + " is " + arch + ", " + p
                        + " is " + a);
            }
            if (dataset != null && !dataset.equals(d)) {
                throw new IllegalArgumentException("datasets differ: " + paths.get(0) + " was trained on " + dataset
                        + ", " + p + " on " + d);
            }
            if (emb != null && !emb.equals(e)) {
                throw new IllegalArgumentException("class embeddings differ: " + paths.get(0) + " was trained with "
                        + emb + ", " + p + " with " + e + "; merged models must share one output space");
            }
            arch = a;
            dataset = d;
            emb = e;
            DatasetKind kind = DatasetKind.parse(d);
            splits.add(ClassSplit.parse(require(info, "split", p), kind.numClasses()));
            models.add(loaded.graph());
        }
        for (int i = 0; i < splits.size(); i++) {
            for (int j = i + 1; j < splits.size(); j++) {
                if (!splits.get(i).disjointFrom(splits.get(j))) {
                    throw new IllegalArgumentException("the tasks of " + paths.get(i) + " " + splits.get(i) + " and "
                            + paths.get(j) + " " + splits.get(j) + " share classes; merged tasks must be disjoint");
                }
            }
        }
        return new MergeInputs(List.copyOf(paths), models, arch, DatasetKind.parse(dataset), splits, emb);
    }

    /** The embeddings to evaluate with, checked against the checkpoints' embedding id. */
    ClassEmbeddings embeddings(Path file) throws IOException {
        ClassEmbeddings e = org.mudsc4j.sweep.PairData.embeddings(kind, file);
        if (!e.matches(embeddingsId)) {
            throw new IllegalArgumentException("the class embeddings " + (file == null ? "(default seeded)" : file)
                    + " are " + e.id() + " but the checkpoints were trained with " + embeddingsId
                    + (file == null ? "; pass the same --embeddings file as for training" : "; pass the file they were"
                    + " trained with, or none for the default seeded set"));
        }
        return e;
    }

    private static String require(CheckpointInfo info, String key, Path p) {
        String v = info.run().metadata().get(key);
        if (v == null) {
            throw new IllegalArgumentException("checkpoint " + p + " has no '" + key + "' in its sidecar");
        }
        return v;
    }
}

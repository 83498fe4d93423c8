package org.mudsc4j.cli;

import org.mudsc4j.data.ClassSplit;
import org.mudsc4j.data.DatasetKind;
import org.mudsc4j.data.SplitPair;
import org.mudsc4j.data.SplitRuns;
import org.mudsc4j.train.ClassEmbeddings;
import org.mudsc4j.train.TrainConfig;
import org.mudsc4j.train.TrainResult;
import org.mudsc4j.sweep.TaskModelTraining;
import org.mudsc4j.zoo.ModelSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** Trains one task model from scratch on one side of a class split (ALGORITHM.md §1.1 recipe). */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a zoo model from scratch on one task (one side of a disjoint class split).")
public final class TrainCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(TrainCommand.class);

    @Option(names = "--dataset", defaultValue = "fashion-mnist", description = "fashion-mnist | cifar10 | cifar100 (default: ${DEFAULT-VALUE})")
    String dataset;
    @Option(names = "--datasets-dir", defaultValue = Installation.HOME + "/datasets", description = "Folder holding the datasets (default: ${DEFAULT-VALUE})")
    Path datasetsDir;
    @Option(names = "--model", defaultValue = "resnet20x1", description = "Model spec, e.g. resnet20x4, resnet20gnx16, resnet26, vit-p4-d6-w192-h3 (input shape follows the dataset; default: ${DEFAULT-VALUE})")
    String model;
    @Option(names = "--run", defaultValue = "0", description = "Reference split run 0..4 (default: ${DEFAULT-VALUE})")
    int run;
    @Option(names = "--side", defaultValue = "A", description = "A = first side of the split, B = second (default: ${DEFAULT-VALUE})")
    String side;
    @Option(names = "--classes", description = "Own split instead of --run/--side, e.g. 0,2,4,6,8")
    String classes;
    @Option(names = "--epochs", defaultValue = "2", description = "Epochs (default: ${DEFAULT-VALUE}; the reference uses 200)")
    int epochs;
    @Option(names = "--batch", defaultValue = "128", description = "Batch size (default: ${DEFAULT-VALUE})")
    int batch;
    @Option(names = "--lr", defaultValue = "0.1", description = "Peak learning rate (default: ${DEFAULT-VALUE})")
    double lr;
    @Option(names = "--per-class", defaultValue = "0", description = "Use only the first N training images of each class (0 = all)")
    int perClass;
    @Option(names = "--seed", description = "Seed for initialisation, shuffling and augmentation (default: 0 for side A,"
            + " 1 for side B, so the two models of a pair start from independent inits as in the reference)")
    Long seed;
    @Option(names = "--embeddings", description = "Class-embedding .npy file (C x d); default: seeded unit vectors")
    Path embeddingsFile;
    @Option(names = "--out", description = "Checkpoint .zip (default: results/checkpoints/<dataset>/<model>/<split>/seed<seed>.zip)")
    Path out;
    @Option(names = "--overwrite", description = "Retrain even if a finished checkpoint exists")
    boolean overwrite;

    @Override
    public Integer call() throws Exception {
        DatasetKind kind = DatasetKind.parse(dataset);
        ClassSplit split = resolveSplit(kind);
        long seed = this.seed != null ? this.seed : (classes == null && side.equalsIgnoreCase("B") ? 1 : 0);
        ClassEmbeddings embeddings = org.mudsc4j.sweep.PairData.embeddings(kind, embeddingsFile);
        ModelSpec spec = TaskModelTraining.inputShaped(ModelSpec.parse(model), kind);
        Path zip = out != null ? out : Installation.resolve("results", "checkpoints", kind.id(), spec.compact(),
                split.dirName(), "seed" + seed + ".zip");
        TrainResult result = TaskModelTraining.run(new TaskModelTraining.Request(kind, datasetsDir, spec, split,
                TrainConfig.of(epochs, batch, lr, seed), perClass, embeddings, zip, overwrite, 0));
        var history = result.info().history();
        Double acc = history.isEmpty() ? null : history.get(history.size() - 1).taskAccuracy();
        LOG.info("Finished: task test accuracy {}%, checkpoint {}",
                acc == null ? "n/a" : String.format("%.2f", 100 * acc), zip);
        return 0;
    }

    private ClassSplit resolveSplit(DatasetKind kind) {
        if (classes != null) {
            return ClassSplit.parse(classes, kind.numClasses());
        }
        if (run < 0 || run >= SplitRuns.REFERENCE_RUNS) {
            throw new IllegalArgumentException("--run must be in 0.." + (SplitRuns.REFERENCE_RUNS - 1) + ", got " + run);
        }
        SplitPair pair = SplitRuns.reference(kind, SplitRuns.REFERENCE_RUNS).get(run);
        switch (side.toUpperCase()) {
            case "A": return pair.first();
            case "B": return pair.second();
            default: throw new IllegalArgumentException("--side must be A or B, got " + side);
        }
    }
}

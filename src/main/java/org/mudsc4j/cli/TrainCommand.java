package org.mudsc4j.cli;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.mudsc4j.data.ClassSplit;
import org.mudsc4j.data.DatasetKind;
import org.mudsc4j.data.Datasets;
import org.mudsc4j.data.ImageBatches;
import org.mudsc4j.data.ImageDataset;
import org.mudsc4j.data.SplitPair;
import org.mudsc4j.data.SplitRuns;
import org.mudsc4j.eval.TaskEvaluation;
import org.mudsc4j.train.ClassEmbeddings;
import org.mudsc4j.train.CosineHeadLoss;
import org.mudsc4j.train.RunIdentity;
import org.mudsc4j.train.TrainConfig;
import org.mudsc4j.train.TrainResult;
import org.mudsc4j.train.Trainer;
import org.mudsc4j.train.TrainingData;
import org.mudsc4j.zoo.ModelSpec;
import org.mudsc4j.zoo.ModelZoo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** Trains one task model from scratch on one side of a class split (ALGORITHM.md §1.1 recipe). */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a zoo model from scratch on one task (one side of a disjoint class split).")
public final class TrainCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(TrainCommand.class);

    @Option(names = "--dataset", defaultValue = "fashion-mnist", description = "fashion-mnist | cifar10 | cifar100 (default: ${DEFAULT-VALUE})")
    String dataset;
    @Option(names = "--datasets-dir", defaultValue = "datasets", description = "Folder holding the datasets (default: ${DEFAULT-VALUE})")
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
    @Option(names = "--seed", defaultValue = "0", description = "Seed for initialisation, shuffling and augmentation (default: ${DEFAULT-VALUE})")
    long seed;
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
        ImageDataset trainSet = Datasets.load(kind, datasetsDir, true).subset(split);
        if (perClass > 0) {
            trainSet = trainSet.subset(firstPerClass(trainSet, perClass));
        }
        ImageDataset testSet = Datasets.load(kind, datasetsDir, false).subset(split);
        ClassEmbeddings embeddings = embeddingsFile == null
                ? ClassEmbeddings.seeded(kind.numClasses(), 0)
                : ClassEmbeddings.load(embeddingsFile, kind.numClasses());

        ModelSpec spec = ModelSpec.parse(model).withInput(kind.channels(), kind.height(), kind.width());
        TrainConfig cfg = TrainConfig.of(epochs, batch, lr, seed);
        ComputationGraph graph = ModelZoo.build(spec, seed,
                CosineHeadLoss.forTask(embeddings, split.classes(), cfg.logitScale()));

        ImageBatches trainBatches = ImageBatches.builder(trainSet).classes(split).batchSize(batch)
                .augmentation(kind.trainAugmentation()).shuffle(true).seed(seed)
                .labelMode(ImageBatches.LabelMode.TASK_LOCAL).build();
        ImageBatches testBatches = ImageBatches.builder(testSet).classes(split).batchSize(256)
                .labelMode(ImageBatches.LabelMode.TASK_LOCAL).build();

        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("dataset", kind.id());
        meta.put("split", split.toString());
        meta.put("seed", Long.toString(seed));
        meta.put("embeddings", embeddings.id());
        meta.put("perClass", Integer.toString(perClass));
        Path zip = out != null ? out : Path.of("results", "checkpoints", kind.id(), spec.compact(),
                split.dirName(), "seed" + seed + ".zip");
        LOG.info("Training {} on {} classes {} ({} images, {} epochs) -> {}",
                spec.compact(), kind.id(), split, trainSet.size(), epochs, zip);

        TrainResult result = new Trainer().train(graph, cfg,
                new TrainingData(trainSet.size(), trainBatches::epoch),
                g -> TaskEvaluation.taskAccuracy(g, testBatches.epoch(0), embeddings, split.classes()),
                zip, new RunIdentity(spec.compact(), meta), overwrite);
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

    /** Indices of the first {@code n} images of every class (dataset order, so deterministic). */
    static int[] firstPerClass(ImageDataset ds, int n) {
        int[] seen = new int[ds.numClasses()];
        int[] keep = new int[ds.size()];
        int k = 0;
        for (int i = 0; i < ds.size(); i++) {
            int y = ds.label(i);
            if (seen[y]++ < n) {
                keep[k++] = i;
            }
        }
        return java.util.Arrays.copyOf(keep, k);
    }
}

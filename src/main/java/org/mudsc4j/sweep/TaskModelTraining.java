package org.mudsc4j.sweep;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.mudsc4j.data.ClassSplit;
import org.mudsc4j.data.DatasetKind;
import org.mudsc4j.data.Datasets;
import org.mudsc4j.data.ImageBatches;
import org.mudsc4j.data.ImageDataset;
import org.mudsc4j.eval.TaskEvaluation;
import org.mudsc4j.train.ClassEmbeddings;
import org.mudsc4j.train.CosineHeadLoss;
import org.mudsc4j.train.EpochEvaluator;
import org.mudsc4j.train.RunIdentity;
import org.mudsc4j.train.TrainConfig;
import org.mudsc4j.train.TrainResult;
import org.mudsc4j.train.Trainer;
import org.mudsc4j.train.TrainingData;
import org.mudsc4j.zoo.ModelSpec;
import org.mudsc4j.zoo.ModelZoo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains (or resumes, or reuses) one task model from scratch on one side of a class split, from the dataset on disk:
 * the ALGORITHM §1.1 recipe wired to the data, zoo and evaluation packages. Used by {@code train} and
 * {@code reproduce}.
 */
public final class TaskModelTraining {
    private static final Logger LOG = LoggerFactory.getLogger(TaskModelTraining.class);

    private TaskModelTraining() {
    }

    /**
     * @param kind        dataset
     * @param datasetsDir folder holding the datasets
     * @param spec        architecture (its input shape is set from the dataset)
     * @param split       the task's classes, in split order
     * @param config      training recipe
     * @param perClass    keep only the first N training images of each class (0 = all)
     * @param embeddings  the frozen class embeddings shared by all tasks
     * @param checkpoint  checkpoint zip; a finished one with the same identity is reused, an unfinished one resumed
     * @param overwrite   retrain from scratch even if a checkpoint exists
     * @param monitorPerClass test images per class for the per-epoch accuracy (0 = the task's whole test set)
     */
    public record Request(DatasetKind kind, Path datasetsDir, ModelSpec spec, ClassSplit split, TrainConfig config,
                          int perClass, ClassEmbeddings embeddings, Path checkpoint, boolean overwrite,
                          int monitorPerClass) {
    }

    public static TrainResult run(Request r) throws IOException {
        ImageDataset trainSet = Datasets.load(r.kind(), r.datasetsDir(), true).subset(r.split());
        if (r.perClass() > 0) {
            trainSet = trainSet.subset(firstPerClass(trainSet, r.perClass()));
        }
        ImageDataset testSet = Datasets.load(r.kind(), r.datasetsDir(), false).subset(r.split());
        if (r.monitorPerClass() > 0) {
            testSet = testSet.subset(firstPerClass(testSet, r.monitorPerClass()));
        }
        ModelSpec spec = inputShaped(r.spec(), r.kind());
        TrainConfig cfg = r.config();
        ComputationGraph graph = ModelZoo.build(spec, cfg.seed(),
                CosineHeadLoss.forTask(r.embeddings(), r.split().classes(), cfg.logitScale()));
        ImageBatches trainBatches = ImageBatches.builder(trainSet).classes(r.split()).batchSize(cfg.batchSize())
                .augmentation(r.kind().trainAugmentation()).shuffle(true).seed(cfg.seed())
                .labelMode(ImageBatches.LabelMode.TASK_LOCAL).build();
        ImageBatches testBatches = ImageBatches.builder(testSet).classes(r.split())
                .batchSize(ImageBatches.EVALUATION_BATCH_SIZE)
                .labelMode(ImageBatches.LabelMode.TASK_LOCAL).build();
        LOG.info("Training {} on {} classes {} ({} images, {} epochs) -> {}", spec.compact(), r.kind().id(),
                r.split(), trainSet.size(), cfg.epochs(), r.checkpoint());
        TrainingData data = new TrainingData(trainSet.size(), trainBatches::epoch);
        EpochEvaluator evaluator = g -> TaskEvaluation.taskAccuracy(g, testBatches.epoch(0), r.embeddings(),
                r.split().classes());
        return r.overwrite()
                ? new Trainer().train(graph, cfg, data, evaluator, r.checkpoint(), identity(r, spec), true)
                : new Trainer().trainOrReuse(graph, cfg, data, evaluator, r.checkpoint(), identity(r, spec));
    }

    /** The run identity recorded in the sidecar; merge and reproduce read dataset, split and embeddings from it. */
    static RunIdentity identity(Request r, ModelSpec spec) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("dataset", r.kind().id());
        meta.put("split", r.split().toString());
        meta.put("seed", Long.toString(r.config().seed()));
        meta.put(org.mudsc4j.train.CheckpointInfo.EMBEDDINGS_KEY, r.embeddings().id());
        meta.put("perClass", Integer.toString(r.perClass()));
        return new RunIdentity(spec.compact(), meta);
    }

    /** The spec with the dataset's input shape. */
    public static ModelSpec inputShaped(ModelSpec spec, DatasetKind kind) {
        return spec.withInput(kind.channels(), kind.height(), kind.width());
    }

    /** Indices of the first {@code n} images of every class (dataset order, so deterministic). */
    public static int[] firstPerClass(ImageDataset ds, int n) {
        int[] seen = new int[ds.numClasses()];
        int[] keep = new int[ds.size()];
        int k = 0;
        for (int i = 0; i < ds.size(); i++) {
            int y = ds.label(i);
            if (seen[y]++ < n) {
                keep[k++] = i;
            }
        }
        return Arrays.copyOf(keep, k);
    }
}

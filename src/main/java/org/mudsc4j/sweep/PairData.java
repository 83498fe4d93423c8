package org.mudsc4j.sweep;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.mudsc4j.data.ClassSplit;
import org.mudsc4j.data.DatasetKind;
import org.mudsc4j.data.Datasets;
import org.mudsc4j.data.ImageBatches;
import org.mudsc4j.data.ImageDataset;
import org.mudsc4j.data.SplitPair;
import org.mudsc4j.train.ClassEmbeddings;

/**
 * The data a merge of task models works on (ALGORITHM §3.1, §4.3, §10.2), all with global labels over the union of
 * the tasks' classes:
 * <ul>
 *   <li>{@code unionTrain}: training images with the training augmentation, shuffled with a fixed seed — for
 *       BatchNorm re-estimation and the feature pass (or as {@link TrainPasses} says);</li>
 *   <li>{@code selection}: training images with the test transform — for choosing α;</li>
 *   <li>{@code unionTest}: test images — for the reported accuracies.</li>
 * </ul>
 */
public record PairData(DatasetKind kind, List<ClassSplit> tasks, ImageBatches unionTrain, ImageBatches selection,
                       ImageBatches unionTest) {

    /**
     * The reference's data passes over {@code trainPerClass} images per class (0 = all), shuffled with {@code seed},
     * augmented.
     *
     * @param selectionPerClass training images per class for {@code selection} (0 = all)
     * @param testPerClass      test images per class for {@code unionTest} (0 = all)
     */
    public static PairData load(DatasetKind kind, Path datasetsDir, List<ClassSplit> tasks, int batch,
                                int trainPerClass, int selectionPerClass, int testPerClass, long seed)
            throws IOException {
        return load(kind, datasetsDir, tasks, batch, TrainPasses.of(trainPerClass), selectionPerClass, testPerClass,
                seed);
    }

    /**
     * @param passes            which training images feed BN re-estimation and the feature pass, in which order, and
     *                          whether augmented; shuffled with {@code seed} unless the order is given
     * @param selectionPerClass training images per class for {@code selection} (0 = all)
     * @param testPerClass      test images per class for {@code unionTest} (0 = all)
     */
    public static PairData load(DatasetKind kind, Path datasetsDir, List<ClassSplit> tasks, int batch,
                                TrainPasses passes, int selectionPerClass, int testPerClass, long seed)
            throws IOException {
        ClassSplit union = ClassSplit.union(tasks.toArray(new ClassSplit[0]));
        ImageDataset fullTrain = Datasets.load(kind, datasetsDir, true);
        ImageDataset train = fullTrain.subset(union);
        ImageDataset test = Datasets.load(kind, datasetsDir, false).subset(union);
        ImageBatches unionTrain = ImageBatches.builder(passes.select(fullTrain, union)).classes(union)
                .batchSize(batch).augmentation(passes.augmentation(kind)).shuffle(!passes.givenOrder()).seed(seed)
                .labelMode(ImageBatches.LabelMode.GLOBAL).build();
        ImageBatches selection = ImageBatches.builder(limit(train, selectionPerClass)).classes(union)
                .batchSize(ImageBatches.EVALUATION_BATCH_SIZE)
                .labelMode(ImageBatches.LabelMode.GLOBAL).build();
        ImageBatches unionTest = ImageBatches.builder(limit(test, testPerClass)).classes(union)
                .batchSize(ImageBatches.EVALUATION_BATCH_SIZE)
                .labelMode(ImageBatches.LabelMode.GLOBAL).build();
        return new PairData(kind, List.copyOf(tasks), unionTrain, selection, unionTest);
    }

    /** The two tasks as a pair (the paper's per-task metrics are defined for two). */
    public SplitPair pair() {
        if (tasks.size() != 2) {
            throw new IllegalStateException("per-task metrics are defined for two tasks; got " + tasks.size());
        }
        return new SplitPair(tasks.get(0), tasks.get(1));
    }

    /** The dataset's default seeded class embeddings, or the user's file. */
    public static ClassEmbeddings embeddings(DatasetKind kind, Path file) throws IOException {
        return file == null ? ClassEmbeddings.seeded(kind.numClasses(), 0) : ClassEmbeddings.load(file, kind.numClasses());
    }

    static ImageDataset limit(ImageDataset ds, int perClass) {
        return perClass > 0 ? ds.subset(TaskModelTraining.firstPerClass(ds, perClass)) : ds;
    }
}

package org.mudsc4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.mudsc4j.data.ClassSplit;
import org.mudsc4j.data.DatasetKind;
import org.mudsc4j.data.Datasets;
import org.mudsc4j.data.ImageBatches;
import org.mudsc4j.data.ImageDataset;
import org.mudsc4j.data.SplitPair;
import org.mudsc4j.train.ClassEmbeddings;

/**
 * The data a merge of one pair works on (ALGORITHM §3.1, §4.3): the union of all tasks' training images with the
 * training augmentation, shuffled with a fixed seed (for BatchNorm re-estimation and the feature pass), and the union
 * of all tasks' test images (for evaluation), both with global labels.
 */
record PairData(DatasetKind kind, java.util.List<ClassSplit> tasks, ClassEmbeddings embeddings, ImageBatches unionTrain,
                ImageBatches unionTest) {

    /**
     * @param perClass keep only the first N training images of every class (0 = all, as the reference)
     */
    static PairData load(DatasetKind kind, Path datasetsDir, java.util.List<ClassSplit> tasks, ClassEmbeddings embeddings, int batch,
                         int perClass, long seed) throws IOException {
        ClassSplit union = ClassSplit.union(tasks.toArray(new ClassSplit[0]));
        ImageDataset train = Datasets.load(kind, datasetsDir, true).subset(union);
        if (perClass > 0) {
            train = train.subset(TrainCommand.firstPerClass(train, perClass));
        }
        ImageDataset test = Datasets.load(kind, datasetsDir, false).subset(union);
        ImageBatches trainBatches = ImageBatches.builder(train).classes(union).batchSize(batch)
                .augmentation(kind.trainAugmentation()).shuffle(true).seed(seed)
                .labelMode(ImageBatches.LabelMode.GLOBAL).build();
        ImageBatches testBatches = ImageBatches.builder(test).classes(union).batchSize(256)
                .labelMode(ImageBatches.LabelMode.GLOBAL).build();
        return new PairData(kind, java.util.List.copyOf(tasks), embeddings, trainBatches, testBatches);
    }

    /** The two tasks as a pair (per-task metrics are defined for two models). */
    SplitPair pair() {
        if (tasks.size() != 2) {
            throw new IllegalStateException("per-task metrics are defined for two tasks; got " + tasks.size());
        }
        return new SplitPair(tasks.get(0), tasks.get(1));
    }

    /** The default seeded embeddings of the dataset, or the user's file. */
    static ClassEmbeddings embeddings(DatasetKind kind, Path file) throws IOException {
        return file == null ? ClassEmbeddings.seeded(kind.numClasses(), 0) : ClassEmbeddings.load(file, kind.numClasses());
    }
}

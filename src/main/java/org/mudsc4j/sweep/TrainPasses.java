package org.mudsc4j.sweep;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.mudsc4j.data.Augmentation;
import org.mudsc4j.data.ClassSplit;
import org.mudsc4j.data.DatasetKind;
import org.mudsc4j.data.ImageDataset;
import org.mudsc4j.interop.NpyFile;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Which union training images feed BatchNorm re-estimation and the feature pass (ALGORITHM §3.2, §4.3), in which order,
 * and whether they are augmented.
 *
 * <p>By default, as the reference: the first {@code perClass} images of each union class (0 = all), shuffled with the
 * merge seed, with the training augmentation. For exact parity with a given reference run ({@code --train-indices},
 * {@code --augment none}): that run's own image indices, in its order, batched as given, without augmentation.
 *
 * @param perClass    union training images per class (0 = all); ignored when {@code indicesFile} is set
 * @param indicesFile int64 {@code .npy} of indices into the dataset's training file, in pass order; null = none
 * @param augment     whether the passes see the training augmentation
 */
public record TrainPasses(int perClass, Path indicesFile, Augment augment) {

    /** The augmentation switch of the data passes. */
    public enum Augment {
        /** The dataset's training augmentation (the reference's {@code train_transform}). */
        TRAIN,
        /** The test transform only. */
        NONE;

        /** {@code train} or {@code none}. */
        public static Augment parse(String s) {
            for (Augment a : values()) {
                if (a.id().equals(s)) {
                    return a;
                }
            }
            throw new IllegalArgumentException("augment must be train or none, got '" + s + "'");
        }

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public TrainPasses {
        if (perClass < 0) {
            throw new IllegalArgumentException("per-class count of the data passes must be >= 0, got " + perClass);
        }
        if (indicesFile != null && perClass != 0) {
            throw new IllegalArgumentException("train indices (--train-indices, trainIndices) replace the per-class"
                    + " count (--per-class, perClass): give one, not both");
        }
        if (augment == null) {
            throw new IllegalArgumentException("the data passes need an augmentation switch (train or none)");
        }
    }

    /** The reference's default: {@code perClass} images per class (0 = all), shuffled, augmented. */
    public static TrainPasses of(int perClass) {
        return new TrainPasses(perClass, null, Augment.TRAIN);
    }

    /** Whether the images come in a given order (an index file) rather than a seeded shuffle. */
    public boolean givenOrder() {
        return indicesFile != null;
    }

    /**
     * The images of the passes: {@code train} (the dataset's whole training file) at the file's indices, in order, or
     * the first {@code perClass} of each union class.
     *
     * @throws IOException naming the index file when it is unreadable, not a 1-D integer array, out of range, or
     *                     points at an image outside the union's classes
     */
    ImageDataset select(ImageDataset train, ClassSplit union) throws IOException {
        if (indicesFile == null) {
            return PairData.limit(train.subset(union), perClass);
        }
        INDArray a = NpyFile.read(indicesFile);
        if (a.rank() != 1 || a.length() == 0 || !a.dataType().isIntType()) {
            throw new IOException("train indices " + indicesFile + ": expected a non-empty 1-D integer array, got "
                    + a.dataType() + " of shape " + java.util.Arrays.toString(a.shape()));
        }
        int[] idx = new int[Math.toIntExact(a.length())];
        for (int k = 0; k < idx.length; k++) {
            long i = a.getLong(k);
            if (i < 0 || i >= train.size()) {
                throw new IOException("train indices " + indicesFile + ": entry " + k + " is " + i + ", outside the "
                        + train.size() + " images of " + train.name());
            }
            idx[k] = (int) i;
            if (!union.contains(train.label(idx[k]))) {
                throw new IOException("train indices " + indicesFile + ": entry " + k + " (image " + i + ") is of class "
                        + train.label(idx[k]) + ", which is not among the merged tasks' classes " + union);
            }
        }
        return train.subset(idx);
    }

    /** The augmentation the passes apply to images of {@code kind}. */
    public Augmentation augmentation(DatasetKind kind) {
        return augment == Augment.TRAIN ? kind.trainAugmentation() : Augmentation.NONE;
    }

    /** How the passes were fed, for a merged model's provenance. */
    public String describe() {
        return (indicesFile != null ? "indices " + indicesFile.getFileName() : "perClass " + perClass) + ", augment "
                + augment.id();
    }
}

package org.mudsc4j.data;

import java.util.List;
import java.util.Locale;

/** The image datasets the project knows: where they live under {@code datasets/}, their shape and constants. */
public enum DatasetKind {
    FASHION_MNIST("fashion-mnist", "fashion-mnist", 10, 1, 28, 28,
            // Computed over all pixels of the 60,000 training images (FashionMnistStatsTest re-derives them).
            new Normalization(new double[]{0.2860}, new double[]{0.3530}),
            new Augmentation(4, false)),
    CIFAR10("cifar10", "cifar-10-batches-bin", 10, 3, 32, 32, Constants.CIFAR, new Augmentation(4, true)),
    // The reference normalises CIFAR-100 with the CIFAR-10 statistics too (ALGORITHM.md 1.3).
    CIFAR100("cifar100", "cifar-100-binary", 100, 3, 32, 32, Constants.CIFAR, new Augmentation(4, true));

    private final String id;
    private final String dirName;
    private final int numClasses;
    private final int channels;
    private final int height;
    private final int width;
    private final Normalization normalization;
    private final Augmentation trainAugmentation;

    DatasetKind(String id, String dirName, int numClasses, int channels, int height, int width,
                Normalization normalization, Augmentation trainAugmentation) {
        this.id = id;
        this.dirName = dirName;
        this.numClasses = numClasses;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.normalization = normalization;
        this.trainAugmentation = trainAugmentation;
    }

    /** Short name used on the command line and in run names: "fashion-mnist", "cifar10", "cifar100". */
    public String id() {
        return id;
    }

    /** Folder under the datasets root that holds the (unpacked) official files. */
    public String dirName() {
        return dirName;
    }

    public int numClasses() {
        return numClasses;
    }

    public int channels() {
        return channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public Normalization normalization() {
        return normalization;
    }

    /** The reference's training augmentation: random crop with zero padding 4, plus horizontal flip on CIFAR. */
    public Augmentation trainAugmentation() {
        return trainAugmentation;
    }

    /** Parses "fashion-mnist"/"fashionmnist"/"fmnist", "cifar10"/"cifar-10", "cifar100"/"cifar-100" (any case). */
    public static DatasetKind parse(String name) {
        String key = name.trim().toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
        switch (key) {
            case "fashionmnist", "fmnist" -> {
                return FASHION_MNIST;
            }
            case "cifar10" -> {
                return CIFAR10;
            }
            case "cifar100" -> {
                return CIFAR100;
            }
            default -> throw new IllegalArgumentException("Unknown dataset '" + name
                    + "'; expected one of " + List.of(FASHION_MNIST.id, CIFAR10.id, CIFAR100.id));
        }
    }

    @Override
    public String toString() {
        return id;
    }

    private static final class Constants {
        static final Normalization CIFAR = new Normalization(
                new double[]{125.307 / 255, 122.961 / 255, 113.8575 / 255},
                new double[]{51.5865 / 255, 50.847 / 255, 51.255 / 255});
    }
}

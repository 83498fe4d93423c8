package org.mudsc4j.data;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Entry point for loading a dataset's official train or test set from the datasets folder. */
public final class Datasets {
    private static final Logger LOG = LoggerFactory.getLogger(Datasets.class);

    /** Fashion-MNIST's class names in label order. */
    public static final List<String> FASHION_MNIST_CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress",
            "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private Datasets() {
    }

    /**
     * Loads {@code kind}'s train or test set from {@code datasetsRoot/kind.dirName()}.
     *
     * @throws DatasetMissingException when files are missing (the message says where it looked and what to run)
     * @throws DatasetFormatException  when a file is corrupt or incomplete
     */
    public static ImageDataset load(DatasetKind kind, Path datasetsRoot, boolean train) throws IOException {
        Path dir = datasetsRoot.resolve(kind.dirName());
        long start = System.nanoTime();
        ImageDataset ds = switch (kind) {
            case FASHION_MNIST -> loadFashionMnist(dir, train);
            case CIFAR10, CIFAR100 -> CifarReader.read(kind, dir, train);
        };
        LOG.info("Loaded {} in {} ms", ds, (System.nanoTime() - start) / 1_000_000);
        return ds;
    }

    /** Whether {@code kind}'s files are present under {@code datasetsRoot} (names only; contents are not checked). */
    public static boolean isInstalled(DatasetKind kind, Path datasetsRoot) {
        Path dir = datasetsRoot.resolve(kind.dirName());
        List<String> files = switch (kind) {
            case FASHION_MNIST -> List.of(fashionFile("train", "images-idx3"), fashionFile("train", "labels-idx1"),
                    fashionFile("t10k", "images-idx3"), fashionFile("t10k", "labels-idx1"));
            case CIFAR10, CIFAR100 -> CifarReader.Format.of(kind).requiredFiles();
        };
        return files.stream().allMatch(f -> Files.isRegularFile(dir.resolve(f)));
    }

    static ImageDataset loadFashionMnist(Path dir, boolean train) throws IOException {
        String prefix = train ? "train" : "t10k";
        Path imagesFile = requireFashionFile(dir, fashionFile(prefix, "images-idx3"));
        Path labelsFile = requireFashionFile(dir, fashionFile(prefix, "labels-idx1"));
        IdxReader.Images images = IdxReader.readImages(imagesFile);
        int[] labels = IdxReader.readLabels(labelsFile);
        int expected = train ? 60_000 : 10_000;
        if (images.count() != expected) {
            throw new DatasetFormatException(imagesFile, "holds " + images.count() + " images, expected " + expected);
        }
        if (labels.length != images.count()) {
            throw new DatasetFormatException(labelsFile, "holds " + labels.length + " labels but " + imagesFile.getFileName()
                    + " holds " + images.count() + " images");
        }
        if (images.rows() != 28 || images.cols() != 28) {
            throw new DatasetFormatException(imagesFile, "images are " + images.rows() + "x" + images.cols() + ", expected 28x28");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] >= FASHION_MNIST_CLASSES.size()) {
                throw new DatasetFormatException(labelsFile, "label " + labels[i] + " of item " + i + " is outside 0..9");
            }
        }
        return new ImageDataset(DatasetKind.FASHION_MNIST.id() + "/" + (train ? "train" : "test"), 1, 28, 28,
                FASHION_MNIST_CLASSES, DatasetKind.FASHION_MNIST.normalization(), images.pixels(), labels, true);
    }

    private static String fashionFile(String prefix, String kind) {
        return prefix + "-" + kind + "-ubyte.gz";
    }

    private static Path requireFashionFile(Path dir, String name) throws DatasetMissingException {
        Path p = dir.resolve(name);
        if (!Files.isRegularFile(p)) {
            throw new DatasetMissingException("Fashion-MNIST file '" + name + "' not found in " + dir.toAbsolutePath()
                    + ". The files ship with the repository under datasets/fashion-mnist/; restore them (git checkout "
                    + "datasets/fashion-mnist) or pass the datasets folder that contains fashion-mnist/.");
        }
        return p;
    }
}

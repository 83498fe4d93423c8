package org.mudsc4j.data;

import java.util.Arrays;
import java.util.List;

/**
 * An in-memory labelled image set: uint8 pixels, one CHW image after another, and one global class label per image.
 *
 * <p>Immutable: the arrays are owned by the instance and never handed out (a CIFAR train set is 150 MB, so
 * accessors copy single images or labels instead of whole arrays).
 */
public final class ImageDataset {
    private final String name;
    private final int channels;
    private final int height;
    private final int width;
    private final List<String> classNames;
    private final Normalization normalization;
    private final byte[] pixels;
    private final int[] labels;

    /**
     * Copies {@code pixels} and {@code labels}.
     *
     * @param name          human-readable name, e.g. "cifar10/train"
     * @param classNames    names of all classes; labels index this list
     * @param normalization constants used when the images are turned into network input
     */
    public ImageDataset(String name, int channels, int height, int width, List<String> classNames,
                        Normalization normalization, byte[] pixels, int[] labels) {
        this(name, channels, height, width, classNames, normalization, pixels.clone(), labels.clone(), true);
    }

    /** Takes ownership of the arrays (for readers that just allocated them). */
    ImageDataset(String name, int channels, int height, int width, List<String> classNames,
                 Normalization normalization, byte[] pixels, int[] labels, boolean owned) {
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("Image shape must be positive, got " + channels + "x" + height + "x" + width);
        }
        if (normalization.channels() != channels) {
            throw new IllegalArgumentException("Normalisation has " + normalization.channels()
                    + " channels but the images have " + channels);
        }
        long imageBytes = (long) channels * height * width;
        if ((long) labels.length * imageBytes != pixels.length) {
            throw new IllegalArgumentException(name + ": " + labels.length + " labels need " + labels.length * imageBytes
                    + " pixel bytes, got " + pixels.length);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classNames.size()) {
                throw new IllegalArgumentException(name + ": label " + labels[i] + " of image " + i
                        + " is outside 0.." + (classNames.size() - 1));
            }
        }
        this.name = name;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.classNames = List.copyOf(classNames);
        this.normalization = normalization;
        this.pixels = pixels;
        this.labels = labels;
    }

    /**
     * The same images under new labels (e.g. a binary task over the original classes); pixels are shared, not copied.
     *
     * @param newLabels one label per image, indexing {@code newClassNames}
     */
    public ImageDataset relabeled(String newName, List<String> newClassNames, int[] newLabels) {
        if (newLabels.length != labels.length) {
            throw new IllegalArgumentException(newName + ": " + newLabels.length + " labels for " + labels.length
                    + " images");
        }
        return new ImageDataset(newName, channels, height, width, newClassNames, normalization, pixels,
                newLabels.clone(), true);
    }

    public String name() {
        return name;
    }

    public int size() {
        return labels.length;
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

    /** Bytes per image: channels·height·width. */
    public int imageSize() {
        return channels * height * width;
    }

    public int numClasses() {
        return classNames.size();
    }

    public List<String> classNames() {
        return classNames;
    }

    public Normalization normalization() {
        return normalization;
    }

    /** Global class label of image {@code i}. */
    public int label(int i) {
        return labels[i];
    }

    /** A copy of all labels. */
    public int[] labels() {
        return labels.clone();
    }

    /** Unsigned value of one pixel. */
    public int pixel(int image, int channel, int y, int x) {
        return pixels[image * imageSize() + (channel * height + y) * width + x] & 0xff;
    }

    /** A copy of image {@code i} (CHW uint8). */
    public byte[] image(int i) {
        int n = imageSize();
        return Arrays.copyOfRange(pixels, i * n, (i + 1) * n);
    }

    /** Number of images of each class, indexed by class id. */
    public int[] classCounts() {
        int[] counts = new int[numClasses()];
        for (int y : labels) {
            counts[y]++;
        }
        return counts;
    }

    /** Indices (ascending) of the images whose label is one of {@code classes}. */
    public int[] indicesOfClasses(int[] classes) {
        boolean[] wanted = new boolean[numClasses()];
        for (int c : classes) {
            if (c < 0 || c >= wanted.length) {
                throw new IllegalArgumentException("Class " + c + " is outside 0.." + (wanted.length - 1) + " of " + name);
            }
            wanted[c] = true;
        }
        return java.util.stream.IntStream.range(0, labels.length).filter(i -> wanted[labels[i]]).toArray();
    }

    /** The images at {@code indices}, in that order (an index may repeat). */
    public ImageDataset subset(int[] indices) {
        int n = imageSize();
        byte[] px = new byte[Math.multiplyExact(indices.length, n)];
        int[] lb = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            int i = indices[k];
            if (i < 0 || i >= labels.length) {
                throw new IndexOutOfBoundsException("Index " + i + " outside 0.." + (labels.length - 1) + " of " + name);
            }
            System.arraycopy(pixels, i * n, px, k * n, n);
            lb[k] = labels[i];
        }
        return new ImageDataset(name + "[subset " + indices.length + "]", channels, height, width, classNames,
                normalization, px, lb, true);
    }

    /** The images whose label is in {@code split}, in dataset order. */
    public ImageDataset subset(ClassSplit split) {
        return subset(indicesOfClasses(split.classes()));
    }

    /** Direct access for the batch builder in this package, which must not copy 150 MB per epoch. */
    byte[] pixelsUnsafe() {
        return pixels;
    }

    @Override
    public String toString() {
        return name + " (" + size() + " images " + channels + "x" + height + "x" + width + ", "
                + numClasses() + " classes)";
    }
}

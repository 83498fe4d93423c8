package org.mudsc4j.data;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageBatchesTest {
    private static ImageDataset data;

    /** 103 random 3×6×5 images over 6 classes (label = i % 6), CIFAR normalisation. */
    @BeforeAll
    static void makeData() {
        int n = 103;
        byte[] px = new byte[n * 3 * 6 * 5];
        new Random(3).nextBytes(px);
        int[] labels = IntStream.range(0, n).map(i -> i % 6).toArray();
        data = new ImageDataset("toy", 3, 6, 5, List.of("a", "b", "c", "d", "e", "f"),
                DatasetKind.CIFAR10.normalization(), px, labels);
    }

    private static ImageBatches.Builder training(ClassSplit split) {
        return ImageBatches.builder(data).classes(split).batchSize(10).shuffle(true).seed(42)
                .augmentation(new Augmentation(2, true)).labelMode(ImageBatches.LabelMode.TASK_LOCAL);
    }

    @Test
    void sameSeedAndEpochGiveIdenticalBatchesAndOtherEpochsDiffer() {
        ClassSplit split = ClassSplit.parse("4,1,3", 6);
        List<DataSet> a = drain(training(split).build().epoch(3));
        List<DataSet> b = drain(training(split).build().epoch(3));
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).getFeatures(), b.get(i).getFeatures());
            assertEquals(a.get(i).getLabels(), b.get(i).getLabels());
        }
        ImageBatches batches = training(split).build();
        assertFalse(Arrays.equals(batches.order(3), batches.order(4)), "epochs should be shuffled differently");
        assertNotEquals(a.get(0).getFeatures(), drain(batches.epoch(4)).get(0).getFeatures());
        assertFalse(Arrays.equals(batches.order(3), training(split).seed(43).build().order(3)));
    }

    @Test
    void resetReplaysTheSameEpoch() {
        DataSetIterator it = training(null).build().epoch(1);
        List<DataSet> first = drain(it);
        assertFalse(it.hasNext());
        it.reset();
        List<DataSet> again = drain(it);
        assertEquals(first.get(2).getFeatures(), again.get(2).getFeatures());
        assertTrue(it.resetSupported());
        assertTrue(it.asyncSupported());
    }

    @Test
    void everyFilteredImageAppearsExactlyOnceAndTheLastPartialBatchIsKept() {
        ClassSplit split = ClassSplit.parse("4,1,3", 6);
        ImageBatches batches = training(split).build();
        int[] expected = data.indicesOfClasses(split.classes());
        assertEquals(51, expected.length);
        assertEquals(51, batches.size());
        assertEquals(6, batches.batchesPerEpoch());
        int[] order = batches.order(0);
        assertArrayEquals(expected, IntStream.of(order).sorted().toArray());

        List<int[]> labelBatches = new ArrayList<>();
        Iterator<ImageBatches.Batch> it = batches.batches(0);
        while (it.hasNext()) {
            labelBatches.add(it.next().globalLabels());
        }
        assertEquals(6, labelBatches.size());
        assertEquals(1, labelBatches.get(5).length);
        int[] seen = labelBatches.stream().flatMapToInt(IntStream::of).toArray();
        assertArrayEquals(IntStream.of(order).map(data::label).toArray(), seen);
    }

    @Test
    void unaugmentedFeaturesAreTheNormalisedPixelsInOrder() {
        ImageBatches batches = ImageBatches.builder(data).batchSize(7).build(); // no shuffle, no augmentation
        Iterator<ImageBatches.Batch> it = batches.batches(0);
        ImageBatches.Batch b = it.next();
        INDArray f = b.features();
        assertEquals(DataType.FLOAT, f.dataType());
        assertArrayEquals(new long[]{7, 3, 6, 5}, f.shape());
        assertArrayEquals(new int[]{0, 1, 2, 3, 4, 5, 0}, b.globalLabels());
        double[] mean = data.normalization().mean();
        double[] std = data.normalization().std();
        for (int[] p : new int[][]{{0, 0, 0, 0}, {3, 2, 5, 4}, {6, 1, 3, 2}}) {
            double expected = (data.pixel(p[0], p[1], p[2], p[3]) / 255.0 - mean[p[1]]) / std[p[1]];
            assertEquals(expected, f.getDouble(p[0], p[1], p[2], p[3]), 1e-5);
        }
    }

    @Test
    void augmentedBatchesOnlyShiftContent() {
        // With augmentation every normalised image must still be a padded shift of the original.
        ImageBatches batches = ImageBatches.builder(data).batchSize(200).augmentation(new Augmentation(2, false)).seed(5).build();
        INDArray f = batches.batches(2).next().features();
        float[][] lut = data.normalization().lookupTable();
        int changed = 0;
        for (int i = 0; i < data.size(); i++) {
            byte[] img = data.image(i);
            boolean found = false;
            for (int dy = -2; dy <= 2 && !found; dy++) {
                for (int dx = -2; dx <= 2 && !found; dx++) {
                    byte[] shifted = new byte[img.length];
                    Augmentation.shift(img, 0, 3, 6, 5, dy, dx, false, shifted);
                    found = matches(f, i, shifted, lut);
                    if (found && (dy != 0 || dx != 0)) {
                        changed++;
                    }
                }
            }
            assertTrue(found, "image " + i);
        }
        assertTrue(changed > data.size() / 2, "most images should be shifted, " + changed);
    }

    @Test
    void labelModes() {
        ClassSplit split = ClassSplit.parse("4,1,3", 6);
        DataSet local = training(split).shuffle(false).augmentation(Augmentation.NONE).build().epoch(0).next();
        // Unshuffled, the first members are images 1 (class 1), 3 (class 3), 4 (class 4): local labels 1, 2, 0.
        assertArrayEquals(new long[]{10, 3}, local.getLabels().shape());
        assertEquals(1.0, local.getLabels().getDouble(0, 1));
        assertEquals(1.0, local.getLabels().getDouble(1, 2));
        assertEquals(1.0, local.getLabels().getDouble(2, 0));
        assertEquals(10.0, local.getLabels().sumNumber().doubleValue());

        ImageBatches global = training(split).labelMode(ImageBatches.LabelMode.GLOBAL).build();
        DataSetIterator it = global.epoch(0);
        assertEquals(6, it.totalOutcomes());
        assertEquals(List.of("a", "b", "c", "d", "e", "f"), it.getLabels());
        assertEquals(List.of("e", "b", "d"), training(split).build().labelNames());
        DataSet g = it.next();
        int[] order = global.order(0);
        for (int i = 0; i < 10; i++) {
            assertEquals(1.0, g.getLabels().getDouble(i, data.label(order[i])));
        }
        assertEquals(90, it.inputColumns());
    }

    @Test
    void rejectsBadConfiguration() {
        assertThrows(IllegalArgumentException.class, () -> ImageBatches.builder(data).batchSize(0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ImageBatches.builder(data).classes(ClassSplit.parse("1,2", 10)).build());
        assertTrue(e.getMessage().contains("has 6"), e.getMessage());
    }

    private static boolean matches(INDArray f, int i, byte[] img, float[][] lut) {
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 6; y++) {
                for (int x = 0; x < 5; x++) {
                    if (f.getFloat(i, c, y, x) != lut[c][img[(c * 6 + y) * 5 + x] & 0xff]) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    private static List<DataSet> drain(DataSetIterator it) {
        List<DataSet> out = new ArrayList<>();
        while (it.hasNext()) {
            out.add(it.next());
        }
        return out;
    }
}

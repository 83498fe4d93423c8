package org.mudsc4j.sweep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mudsc4j.data.ClassSplit;
import org.mudsc4j.data.ImageDataset;
import org.mudsc4j.data.Normalization;
import org.mudsc4j.interop.NpyFile;
import org.nd4j.linalg.factory.Nd4j;

/** The data passes on given training images: the file's images in the file's order, and clear errors for bad files. */
class TrainPassesTest {
    @TempDir
    Path dir;

    /** 20 images of 4 classes (label = index mod 4); pixel value = index, so an image tells where it came from. */
    private static ImageDataset images() {
        byte[] px = new byte[20];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) i;
        }
        return new ImageDataset("tiny", 1, 1, 1, List.of("a", "b", "c", "d"),
                new Normalization(new double[] {0}, new double[] {1}), px, IntStream.range(0, 20).map(i -> i % 4)
                .toArray());
    }

    private Path npy(long... values) throws IOException {
        Path f = dir.resolve("idx" + values.length + "-" + values[0] + ".npy");
        NpyFile.write(f, Nd4j.createFromArray(values));
        return f;
    }

    @Test
    void givenIndicesAreTheImagesInTheFileOrder() throws IOException {
        ClassSplit union = new ClassSplit(new int[] {0, 1}, 4);
        TrainPasses passes = new TrainPasses(0, npy(13, 4, 1, 8), TrainPasses.Augment.NONE);
        ImageDataset picked = passes.select(images(), union);
        assertEquals(4, picked.size());
        assertArrayEquals(new int[] {1, 0, 1, 0}, picked.labels());
        assertTrue(passes.givenOrder());
        assertEquals("indices idx4-13.npy, augment none", passes.describe());
    }

    @Test
    void withoutIndicesTheFirstImagesOfEachUnionClass() throws IOException {
        ClassSplit union = new ClassSplit(new int[] {1, 3}, 4);
        ImageDataset picked = TrainPasses.of(2).select(images(), union);
        assertArrayEquals(new int[] {1, 3, 1, 3}, picked.labels());
    }

    @Test
    void badIndexFilesAreNamedWithTheProblem() throws IOException {
        ClassSplit union = new ClassSplit(new int[] {0, 1}, 4);
        IOException outside = assertThrows(IOException.class,
                () -> new TrainPasses(0, npy(4, 99), TrainPasses.Augment.NONE).select(images(), union));
        assertTrue(outside.getMessage().contains("entry 1 is 99") && outside.getMessage().contains("idx2-4.npy"),
                outside.getMessage());
        IOException otherClass = assertThrows(IOException.class,
                () -> new TrainPasses(0, npy(0, 2), TrainPasses.Augment.NONE).select(images(), union));
        assertTrue(otherClass.getMessage().contains("image 2) is of class 2"), otherClass.getMessage());
        Path floats = dir.resolve("f.npy");
        NpyFile.write(floats, Nd4j.createFromArray(1.0f, 2.0f));
        IOException notInts = assertThrows(IOException.class,
                () -> new TrainPasses(0, floats, TrainPasses.Augment.NONE).select(images(), union));
        assertTrue(notInts.getMessage().contains("integer"), notInts.getMessage());
        IOException missing = assertThrows(IOException.class,
                () -> new TrainPasses(0, dir.resolve("none.npy"), TrainPasses.Augment.NONE).select(images(), union));
        assertTrue(missing.getMessage().contains("none.npy"), missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TrainPasses.Augment.parse("random"));
        IllegalArgumentException both = assertThrows(IllegalArgumentException.class,
                () -> new TrainPasses(200, dir.resolve("idx.npy"), TrainPasses.Augment.TRAIN));
        assertTrue(both.getMessage().contains("--per-class") && both.getMessage().contains("trainIndices"),
                both.getMessage());
    }
}

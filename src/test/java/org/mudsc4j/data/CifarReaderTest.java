package org.mudsc4j.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CifarReaderTest {
    @TempDir
    Path root;

    @Test
    void readsCifar10TrainAndTestInFileOrder() throws IOException {
        Path dir = TinyCifar.cifar10(root, 3);
        ImageDataset train = CifarReader.read(CifarReader.Format.CIFAR10, dir, true, false);
        assertEquals(15, train.size());
        assertEquals(10, train.numClasses());
        assertEquals("class_0", train.classNames().get(0));
        assertEquals(3, train.channels());
        for (int i = 0; i < 15; i++) {
            assertEquals(i % 10, train.label(i));
        }
        // Record 1 of data_batch_2: pixels follow the label byte unchanged (already CHW: R, G, B planes).
        byte[] file = Files.readAllBytes(dir.resolve("data_batch_2.bin"));
        byte[] expected = Arrays.copyOfRange(file, 3073 + 1, 2 * 3073);
        assertArrayEquals(expected, train.image(4));
        assertEquals(expected[32 * 32 + 5 * 32 + 7] & 0xff, train.pixel(4, 1, 5, 7));

        ImageDataset test = CifarReader.read(CifarReader.Format.CIFAR10, dir, false, false);
        assertEquals(3, test.size());
        assertEquals(DatasetKind.CIFAR10.normalization(), test.normalization());
    }

    @Test
    void readsCifar100FineLabels() throws IOException {
        Path dir = TinyCifar.cifar100(root, 250, 7);
        ImageDataset train = CifarReader.read(CifarReader.Format.CIFAR100, dir, true, false);
        assertEquals(250, train.size());
        assertEquals(100, train.numClasses());
        for (int i = 0; i < 250; i++) {
            assertEquals(i % 100, train.label(i), "fine label, not coarse");
        }
        byte[] file = Files.readAllBytes(dir.resolve("train.bin"));
        assertArrayEquals(Arrays.copyOfRange(file, 3074 * 5 + 2, 3074 * 6), train.image(5));
        assertEquals(7, CifarReader.read(CifarReader.Format.CIFAR100, dir, false, false).size());
    }

    @Test
    void strictModeRequiresOfficialRecordCounts() throws IOException {
        Path dir = TinyCifar.cifar10(root, 2);
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> CifarReader.read(DatasetKind.CIFAR10, dir, true));
        assertTrue(e.getMessage().contains("data_batch_1.bin") && e.getMessage().contains("expected 10000"), e.getMessage());
    }

    @Test
    void truncatedFileIsRejected() throws IOException {
        Path dir = TinyCifar.cifar10(root, 2);
        Path f = dir.resolve("data_batch_3.bin");
        byte[] bytes = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(bytes, bytes.length - 100));
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> CifarReader.read(CifarReader.Format.CIFAR10, dir, true, false));
        assertTrue(e.getMessage().contains("data_batch_3.bin") && e.getMessage().contains("3073-byte records")
                && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void labelOutOfRangeIsRejected() throws IOException {
        Path dir = TinyCifar.cifar10(root, 2);
        Files.write(dir.resolve("test_batch.bin"), TinyCifar.records(1, new int[][]{{3}, {10}}, 5));
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> CifarReader.read(CifarReader.Format.CIFAR10, dir, false, false));
        assertTrue(e.getMessage().contains("test_batch.bin") && e.getMessage().contains("record 1 has label 10"),
                e.getMessage());
    }

    @Test
    void wrongNumberOfClassNamesIsRejected() throws IOException {
        Path dir = TinyCifar.cifar100(root, 3, 3);
        Files.writeString(dir.resolve("fine_label_names.txt"), TinyCifar.names(20));
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> CifarReader.read(CifarReader.Format.CIFAR100, dir, true, false));
        assertTrue(e.getMessage().contains("lists 20 class names, expected 100"), e.getMessage());
    }

    @Test
    void missingFolderNamesWhereItLookedAndHowToFetch() {
        DatasetMissingException e = assertThrows(DatasetMissingException.class,
                () -> Datasets.load(DatasetKind.CIFAR10, root, true));
        String m = e.getMessage();
        assertTrue(m.contains(root.resolve("cifar-10-batches-bin").toAbsolutePath().toString()), m);
        assertTrue(m.contains("mudsc fetch cifar10"), m);
        DatasetMissingException e100 = assertThrows(DatasetMissingException.class,
                () -> Datasets.load(DatasetKind.CIFAR100, root, false));
        assertTrue(e100.getMessage().contains("mudsc fetch cifar100"), e100.getMessage());
    }
}

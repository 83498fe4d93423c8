package org.mudsc4j.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** Writes tiny but well-formed CIFAR binary folders for tests. */
final class TinyCifar {
    private TinyCifar() {
    }

    /** Record bytes for CIFAR-10 (1 label byte) with label {@code label} and pixels derived from {@code seed}. */
    static byte[] records(int labelBytes, int[][] labelsPerRecord, long seed) {
        int record = labelBytes + CifarReader.IMAGE_BYTES;
        byte[] out = new byte[labelsPerRecord.length * record];
        Random rnd = new Random(seed);
        for (int r = 0; r < labelsPerRecord.length; r++) {
            for (int b = 0; b < labelBytes; b++) {
                out[r * record + b] = (byte) labelsPerRecord[r][b];
            }
            for (int p = 0; p < CifarReader.IMAGE_BYTES; p++) {
                out[r * record + labelBytes + p] = (byte) rnd.nextInt(256);
            }
        }
        return out;
    }

    /** A cifar-10-batches-bin folder with {@code perFile} records in each of the six files; labels cycle 0..9. */
    static Path cifar10(Path root, int perFile) throws IOException {
        Path dir = Files.createDirectories(root.resolve("cifar-10-batches-bin"));
        List<String> files = CifarReader.Format.CIFAR10.trainFiles;
        for (int f = 0; f < files.size(); f++) {
            Files.write(dir.resolve(files.get(f)), records(1, labels(perFile, f * perFile, 10), f));
        }
        Files.write(dir.resolve("test_batch.bin"), records(1, labels(perFile, 0, 10), 99));
        Files.writeString(dir.resolve("batches.meta.txt"), names(10) + "\n\n", StandardCharsets.UTF_8);
        return dir;
    }

    /** A cifar-100-binary folder; record r has coarse label r % 20 and fine label r % 100. */
    static Path cifar100(Path root, int train, int test) throws IOException {
        Path dir = Files.createDirectories(root.resolve("cifar-100-binary"));
        Files.write(dir.resolve("train.bin"), records(2, coarseFine(train), 1));
        Files.write(dir.resolve("test.bin"), records(2, coarseFine(test), 2));
        Files.writeString(dir.resolve("fine_label_names.txt"), names(100) + "\n", StandardCharsets.UTF_8);
        return dir;
    }

    static String names(int n) {
        return IntStream.range(0, n).mapToObj(i -> "class_" + i).collect(Collectors.joining("\n"));
    }

    private static int[][] labels(int n, int start, int classes) {
        int[][] l = new int[n][1];
        for (int i = 0; i < n; i++) {
            l[i][0] = (start + i) % classes;
        }
        return l;
    }

    private static int[][] coarseFine(int n) {
        int[][] l = new int[n][2];
        for (int i = 0; i < n; i++) {
            l[i][0] = i % 20;
            l[i][1] = i % 100;
        }
        return l;
    }
}

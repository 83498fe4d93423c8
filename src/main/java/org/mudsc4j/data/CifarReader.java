package org.mudsc4j.data;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the official binary CIFAR distributions. A record is the label byte(s) followed by 3072 bytes: the 32×32
 * red, green and blue planes, i.e. already CHW. CIFAR-10: {@code data_batch_1..5.bin} (10,000 records each) and
 * {@code test_batch.bin}, 1 label byte. CIFAR-100: {@code train.bin} (50,000) and {@code test.bin} (10,000), a coarse
 * then a fine label byte; the fine label is used, as in the reference.
 */
public final class CifarReader {
    private static final Logger LOG = LoggerFactory.getLogger(CifarReader.class);
    static final int IMAGE_BYTES = 3 * 32 * 32;

    /** The layout of one CIFAR variant. */
    enum Format {
        CIFAR10(DatasetKind.CIFAR10, 1, 0, "batches.meta.txt",
                List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"),
                10_000, List.of("test_batch.bin"), 10_000),
        CIFAR100(DatasetKind.CIFAR100, 2, 1, "fine_label_names.txt",
                List.of("train.bin"), 50_000, List.of("test.bin"), 10_000);

        final DatasetKind kind;
        final int labelBytes;
        final int labelIndex;
        final String namesFile;
        final List<String> trainFiles;
        final int recordsPerTrainFile;
        final List<String> testFiles;
        final int recordsPerTestFile;

        Format(DatasetKind kind, int labelBytes, int labelIndex, String namesFile, List<String> trainFiles,
               int recordsPerTrainFile, List<String> testFiles, int recordsPerTestFile) {
            this.kind = kind;
            this.labelBytes = labelBytes;
            this.labelIndex = labelIndex;
            this.namesFile = namesFile;
            this.trainFiles = trainFiles;
            this.recordsPerTrainFile = recordsPerTrainFile;
            this.testFiles = testFiles;
            this.recordsPerTestFile = recordsPerTestFile;
        }

        int recordBytes() {
            return labelBytes + IMAGE_BYTES;
        }

        static Format of(DatasetKind kind) {
            for (Format f : values()) {
                if (f.kind == kind) {
                    return f;
                }
            }
            throw new IllegalArgumentException(kind + " is not a CIFAR dataset");
        }

        /** Every file an installed copy must have (the fetcher checks this after unpacking). */
        List<String> requiredFiles() {
            List<String> all = new ArrayList<>(trainFiles);
            all.addAll(testFiles);
            all.add(namesFile);
            return all;
        }
    }

    private CifarReader() {
    }

    /**
     * Loads the train or test set of CIFAR-10 or CIFAR-100 from its unpacked folder (e.g.
     * {@code datasets/cifar-10-batches-bin}), checking that every file holds exactly the official record count.
     */
    public static ImageDataset read(DatasetKind kind, Path dir, boolean train) throws IOException {
        return read(Format.of(kind), dir, train, true);
    }

    /** @param strictCounts whether each file must hold the official number of records (off only for tiny test files) */
    static ImageDataset read(Format format, Path dir, boolean train, boolean strictCounts) throws IOException {
        List<String> names = readClassNames(format, dir);
        List<String> files = train ? format.trainFiles : format.testFiles;
        int perFile = train ? format.recordsPerTrainFile : format.recordsPerTestFile;
        int record = format.recordBytes();

        List<Path> paths = new ArrayList<>();
        long total = 0;
        for (String f : files) {
            Path p = requireFile(format, dir, f);
            long size = Files.size(p);
            if (size == 0 || size % record != 0) {
                throw new DatasetFormatException(p, "size " + size + " bytes is not a whole number of " + record
                        + "-byte records (" + format.labelBytes + " label byte(s) + " + IMAGE_BYTES + " pixels)"
                        + (size % record != 0 ? "; " + size % record + " bytes left over, the file is probably truncated" : ""));
            }
            long n = size / record;
            if (strictCounts && n != perFile) {
                throw new DatasetFormatException(p, "holds " + n + " records, expected " + perFile
                        + " (the file is incomplete or not the official " + format.kind + " file)");
            }
            paths.add(p);
            total += n;
        }
        if (total * IMAGE_BYTES > Integer.MAX_VALUE - 8) {
            throw new DatasetFormatException(dir, total + " records are too many to hold in one array");
        }
        byte[] pixels = new byte[(int) total * IMAGE_BYTES];
        int[] labels = new int[(int) total];
        int next = 0;
        byte[] buf = new byte[record];
        for (Path p : paths) {
            try (InputStream in = new BufferedInputStream(Files.newInputStream(p), 1 << 20)) {
                int inFile = 0;
                while (in.readNBytes(buf, 0, record) == record) {
                    int label = buf[format.labelIndex] & 0xff;
                    if (label >= names.size()) {
                        throw new DatasetFormatException(p, "record " + inFile + " has label " + label
                                + ", expected 0.." + (names.size() - 1));
                    }
                    labels[next] = label;
                    System.arraycopy(buf, format.labelBytes, pixels, next * IMAGE_BYTES, IMAGE_BYTES);
                    next++;
                    inFile++;
                }
            }
        }
        if (next != total) {
            throw new DatasetFormatException(dir, "read " + next + " records but the file sizes announce " + total
                    + " (a file changed while being read?)");
        }
        String name = format.kind.id() + "/" + (train ? "train" : "test");
        LOG.debug("Read {} {} images from {}", total, name, dir);
        return new ImageDataset(name, 3, 32, 32, names, format.kind.normalization(), pixels, labels, true);
    }

    /** Class names, one per line, blank lines ignored (the official files end with empty lines). */
    static List<String> readClassNames(Format format, Path dir) throws IOException {
        Path p = requireFile(format, dir, format.namesFile);
        List<String> names = Files.readAllLines(p, StandardCharsets.UTF_8).stream()
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (names.size() != format.kind.numClasses()) {
            throw new DatasetFormatException(p, "lists " + names.size() + " class names, expected "
                    + format.kind.numClasses());
        }
        return names;
    }

    private static Path requireFile(Format format, Path dir, String file) throws DatasetMissingException {
        Path p = dir.resolve(file);
        if (!Files.isRegularFile(p)) {
            throw new DatasetMissingException(format.kind + " file '" + file + "' not found in " + dir.toAbsolutePath()
                    + ". Run `mudsc fetch " + format.kind.id() + "` to download it, or unpack the official binary archive ("
                    + FetchSpec.official(format.kind).url() + ") so that this folder holds " + format.requiredFiles() + ".");
        }
        return p;
    }
}

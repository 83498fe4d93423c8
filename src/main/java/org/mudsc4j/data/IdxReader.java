package org.mudsc4j.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads the IDX files of (Fashion-)MNIST: big-endian magic {@code 0x00000803} + count, rows, cols for images;
 * {@code 0x00000801} + count for labels; then the uint8 payload. Gzip-compressed files (".gz") are decompressed on
 * the fly. The payload must have exactly the announced length.
 */
public final class IdxReader {
    public static final int IMAGES_MAGIC = 0x00000803;
    public static final int LABELS_MAGIC = 0x00000801;

    private IdxReader() {
    }

    /** Images of one IDX file: {@code count} images of rows×cols bytes, row-major, one after another. */
    public record Images(int count, int rows, int cols, byte[] pixels) {
    }

    public static Images readImages(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            int magic = readHeaderInt(in, file, "magic number");
            if (magic != IMAGES_MAGIC) {
                throw new DatasetFormatException(file, String.format(
                        "not an IDX image file: magic 0x%08x, expected 0x%08x", magic, IMAGES_MAGIC));
            }
            int count = readHeaderInt(in, file, "image count");
            int rows = readHeaderInt(in, file, "row count");
            int cols = readHeaderInt(in, file, "column count");
            if (count < 0 || rows <= 0 || cols <= 0) {
                throw new DatasetFormatException(file, "invalid dimensions " + count + " x " + rows + " x " + cols);
            }
            long bytes = (long) count * rows * cols;
            if (bytes > Integer.MAX_VALUE - 8) {
                throw new DatasetFormatException(file, "announces " + bytes + " pixel bytes, too many to hold in memory");
            }
            byte[] pixels = readPayload(in, file, (int) bytes, count + " images of " + rows + "x" + cols);
            return new Images(count, rows, cols, pixels);
        }
    }

    public static int[] readLabels(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            int magic = readHeaderInt(in, file, "magic number");
            if (magic != LABELS_MAGIC) {
                throw new DatasetFormatException(file, String.format(
                        "not an IDX label file: magic 0x%08x, expected 0x%08x", magic, LABELS_MAGIC));
            }
            int count = readHeaderInt(in, file, "label count");
            if (count < 0) {
                throw new DatasetFormatException(file, "negative label count " + count);
            }
            byte[] raw = readPayload(in, file, count, count + " labels");
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) {
                labels[i] = raw[i] & 0xff;
            }
            return labels;
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        try {
            InputStream in = file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
            return new DataInputStream(in);
        } catch (IOException e) {
            raw.close();
            throw new DatasetFormatException(file, "not a readable gzip file (" + e.getMessage() + ")");
        }
    }

    private static int readHeaderInt(DataInputStream in, Path file, String what) throws IOException {
        try {
            return in.readInt();
        } catch (EOFException e) {
            throw new DatasetFormatException(file, "file ends inside the header while reading the " + what);
        }
    }

    private static byte[] readPayload(DataInputStream in, Path file, int length, String description) throws IOException {
        byte[] data;
        try {
            data = in.readNBytes(length);
        } catch (EOFException e) {
            // GZIPInputStream reports a cut-off compressed stream this way.
            throw new DatasetFormatException(file, "truncated: the compressed stream ends early; header announces "
                    + description + " (" + length + " bytes)");
        }
        if (data.length != length) {
            throw new DatasetFormatException(file, "truncated: header announces " + description + " = " + length
                    + " bytes after the header, found only " + data.length);
        }
        if (in.read() != -1) {
            throw new DatasetFormatException(file, "has extra bytes after the " + length + " bytes of "
                    + description + " that the header announces");
        }
        return data;
    }
}

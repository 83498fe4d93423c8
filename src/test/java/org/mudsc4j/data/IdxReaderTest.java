package org.mudsc4j.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdxReaderTest {
    static final Path BUNDLED = Path.of("datasets");

    @TempDir
    Path tmp;

    @Test
    void bundledFashionMnistHasTheOfficialShape() throws IOException {
        for (boolean train : new boolean[]{true, false}) {
            ImageDataset ds = Datasets.load(DatasetKind.FASHION_MNIST, BUNDLED, train);
            int n = train ? 60_000 : 10_000;
            assertEquals(n, ds.size());
            assertEquals(1, ds.channels());
            assertEquals(28, ds.height());
            assertEquals(28, ds.width());
            int[] perClass = new int[10];
            Arrays.fill(perClass, n / 10);
            assertArrayEquals(perClass, ds.classCounts());
            assertEquals("Ankle boot", ds.classNames().get(9));
        }
    }

    @Test
    void readsSmallUncompressedAndGzippedFiles() throws IOException {
        byte[] pixels = new byte[3 * 2 * 4];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 10);
        }
        Path img = write("imgs-idx3-ubyte.gz", true, images(0x803, 3, 2, 4, pixels));
        IdxReader.Images images = IdxReader.readImages(img);
        assertEquals(3, images.count());
        assertEquals(2, images.rows());
        assertEquals(4, images.cols());
        assertArrayEquals(pixels, images.pixels());

        Path lab = write("labels-idx1-ubyte", false, labels(0x801, 3, new byte[]{7, 0, (byte) 200}));
        assertArrayEquals(new int[]{7, 0, 200}, IdxReader.readLabels(lab));
    }

    @Test
    void wrongMagicIsRejectedWithBothValues() throws IOException {
        Path f = write("bad-idx3-ubyte.gz", true, images(0x801, 1, 2, 2, new byte[4]));
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> IdxReader.readImages(f));
        assertTrue(e.getMessage().contains("bad-idx3-ubyte.gz") && e.getMessage().contains("0x00000801")
                && e.getMessage().contains("expected 0x00000803"), e.getMessage());
        Path l = write("bad-labels.gz", true, labels(0x803, 1, new byte[1]));
        assertThrows(DatasetFormatException.class, () -> IdxReader.readLabels(l));
    }

    @Test
    void truncatedPayloadIsRejected() throws IOException {
        Path f = write("short-idx3-ubyte.gz", true, images(0x803, 2, 3, 3, new byte[17]));
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> IdxReader.readImages(f));
        assertTrue(e.getMessage().contains("short-idx3-ubyte.gz") && e.getMessage().contains("18 bytes")
                && e.getMessage().contains("found only 17"), e.getMessage());
    }

    @Test
    void truncatedHeaderAndExtraBytesAreRejected() throws IOException {
        Path header = write("header.gz", true, new byte[]{0, 0, 8, 3, 0, 0});
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> IdxReader.readImages(header));
        assertTrue(e.getMessage().contains("image count"), e.getMessage());

        Path extra = write("extra.gz", true, labels(0x801, 2, new byte[]{1, 2, 3}));
        DatasetFormatException e2 = assertThrows(DatasetFormatException.class, () -> IdxReader.readLabels(extra));
        assertTrue(e2.getMessage().contains("extra bytes"), e2.getMessage());
    }

    @Test
    void cutOffGzipStreamIsRejected() throws IOException {
        byte[] payload = new byte[4000];
        new java.util.Random(1).nextBytes(payload);
        Path full = write("cut-idx3-ubyte.gz", true, images(0x803, 10, 20, 20, payload));
        byte[] gz = Files.readAllBytes(full);
        Files.write(full, Arrays.copyOf(gz, gz.length / 2));
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> IdxReader.readImages(full));
        assertTrue(e.getMessage().contains("cut-idx3-ubyte.gz") && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void imageAndLabelCountsMustAgree() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("fashion-mnist"));
        Files.copy(BUNDLED.resolve("fashion-mnist/t10k-images-idx3-ubyte.gz"), dir.resolve("t10k-images-idx3-ubyte.gz"));
        write("fashion-mnist/t10k-labels-idx1-ubyte.gz", true, labels(0x801, 5, new byte[5]));
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> Datasets.load(DatasetKind.FASHION_MNIST, tmp, false));
        assertTrue(e.getMessage().contains("t10k-labels-idx1-ubyte.gz") && e.getMessage().contains("holds 5 labels")
                && e.getMessage().contains("10000 images"), e.getMessage());
    }

    @Test
    void missingFashionFileSaysWhere() {
        DatasetMissingException e = assertThrows(DatasetMissingException.class,
                () -> Datasets.load(DatasetKind.FASHION_MNIST, tmp, true));
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte.gz")
                && e.getMessage().contains(tmp.resolve("fashion-mnist").toAbsolutePath().toString()), e.getMessage());
    }

    private static byte[] images(int magic, int n, int rows, int cols, byte[] payload) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(magic);
        out.writeInt(n);
        out.writeInt(rows);
        out.writeInt(cols);
        out.write(payload);
        return bytes.toByteArray();
    }

    private static byte[] labels(int magic, int n, byte[] payload) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(magic);
        out.writeInt(n);
        out.write(payload);
        return bytes.toByteArray();
    }

    private Path write(String name, boolean gzip, byte[] content) throws IOException {
        Path f = tmp.resolve(name);
        try (OutputStream raw = Files.newOutputStream(f);
             OutputStream out = gzip ? new GZIPOutputStream(raw) : raw) {
            out.write(content);
        }
        return f;
    }
}

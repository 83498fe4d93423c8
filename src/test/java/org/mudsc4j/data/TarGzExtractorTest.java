package org.mudsc4j.data;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JDK-only extractor against archives written by commons-compress (an independent implementation). */
class TarGzExtractorTest {
    @TempDir
    Path tmp;

    private static final String LONG = "a/" + "very-long-folder-name-".repeat(6) + "/file.bin";

    @Test
    void extractsFilesFoldersAndLongNamesInGnuAndPosixStyle() throws IOException {
        byte[] big = new byte[70_000];
        new Random(1).nextBytes(big);
        for (int mode : new int[]{TarArchiveOutputStream.LONGFILE_GNU, TarArchiveOutputStream.LONGFILE_POSIX}) {
            Path archive = write("t" + mode + ".tar.gz", mode, tar -> {
                dir(tar, "top/");
                file(tar, "top/empty.txt", new byte[0]);
                file(tar, "top/big.bin", big);
                file(tar, "top/" + LONG, new byte[]{9, 8, 7});
            });
            Path out = Files.createDirectory(tmp.resolve("out" + mode));
            TarGzExtractor.extract(archive, out);
            assertArrayEquals(big, Files.readAllBytes(out.resolve("top/big.bin")));
            assertArrayEquals(new byte[0], Files.readAllBytes(out.resolve("top/empty.txt")));
            assertArrayEquals(new byte[]{9, 8, 7}, Files.readAllBytes(out.resolve("top/" + LONG)));
        }
    }

    @Test
    void truncatedArchiveIsReported() throws IOException {
        byte[] big = new byte[50_000];
        new Random(2).nextBytes(big);
        Path archive = write("cut.tar.gz", TarArchiveOutputStream.LONGFILE_GNU, tar -> file(tar, "x.bin", big));
        byte[] bytes = Files.readAllBytes(archive);
        Files.write(archive, Arrays.copyOf(bytes, bytes.length * 2 / 3));
        IOException e = assertThrows(IOException.class,
                () -> TarGzExtractor.extract(archive, Files.createDirectory(tmp.resolve("o"))));
        assertTrue(e.getMessage().contains("cut.tar.gz") && e.getMessage().contains("ends unexpectedly"), e.getMessage());
    }

    @Test
    void nonTarAndNonGzipInputsAreReported() throws IOException {
        Path notGzip = Files.write(tmp.resolve("plain.tar.gz"), new byte[]{1, 2, 3, 4});
        IOException e1 = assertThrows(IOException.class, () -> TarGzExtractor.extract(notGzip, tmp));
        assertTrue(e1.getMessage().contains("not a valid gzip file"), e1.getMessage());

        Path notTar = tmp.resolve("random.tar.gz");
        byte[] junk = new byte[2048];
        new Random(3).nextBytes(junk);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(notTar))) {
            out.write(junk);
        }
        IOException e2 = assertThrows(IOException.class, () -> TarGzExtractor.extract(notTar, tmp));
        assertTrue(e2.getMessage().contains("not a tar archive"), e2.getMessage());
    }

    private interface TarBody {
        void write(TarArchiveOutputStream tar) throws IOException;
    }

    private Path write(String name, int longFileMode, TarBody body) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
            tar.setLongFileMode(longFileMode);
            body.write(tar);
        }
        return Files.write(tmp.resolve(name), bytes.toByteArray());
    }

    private static void dir(TarArchiveOutputStream tar, String name) throws IOException {
        tar.putArchiveEntry(new TarArchiveEntry(name));
        tar.closeArchiveEntry();
    }

    private static void file(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(content.length);
        tar.putArchiveEntry(e);
        tar.write(content);
        tar.closeArchiveEntry();
    }
}

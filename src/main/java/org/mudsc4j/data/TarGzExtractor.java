package org.mudsc4j.data;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Unpacks a .tar.gz with the JDK alone: ustar/GNU headers, GNU long names and pax {@code path} records; regular
 * files and folders are extracted, links and devices skipped.
 *
 * <p>Why not commons-compress: 1.26.x needs commons-io 2.15+, but DL4J pins commons-io 2.7 on the classpath, and
 * {@code TarArchiveInputStream} then fails with {@code NoSuchMethodError IOUtils.byteArray()}. The official CIFAR
 * archives are plain tar files, so a small reader is safer than a fragile dependency mix.
 */
final class TarGzExtractor {
    private static final Logger LOG = LoggerFactory.getLogger(TarGzExtractor.class);
    private static final int BLOCK = 512;

    private TarGzExtractor() {
    }

    /** Extracts {@code archive} into {@code into}; rejects entries that would land outside it. */
    static void extract(Path archive, Path into) throws IOException {
        Path root = into.toAbsolutePath().normalize();
        try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(archive), 1 << 16), 1 << 16)) {
            byte[] header = new byte[BLOCK];
            String pendingName = null; // from a GNU 'L' or pax 'x' entry; applies to the next header
            long offset = 0;
            while (true) {
                int n = in.readNBytes(header, 0, BLOCK);
                if (n == 0) {
                    return; // some writers omit the two zero end blocks
                }
                if (n < BLOCK) {
                    throw new IOException("truncated tar header at byte " + offset);
                }
                if (isZero(header)) {
                    return;
                }
                checkChecksum(header, offset);
                long size = parseSize(header, offset);
                char type = (char) header[156];
                String name = pendingName != null ? pendingName : headerName(header);
                pendingName = null;
                offset += BLOCK;
                switch (type) {
                    case 'L' -> pendingName = trimNul(new String(readData(in, size, offset), StandardCharsets.UTF_8));
                    case 'x' -> pendingName = paxPath(readData(in, size, offset));
                    case '0', '\0', '7' -> {
                        Path dest = resolveInside(root, name);
                        Files.createDirectories(dest.getParent());
                        try (OutputStream out = Files.newOutputStream(dest)) {
                            copyExactly(in, out, size, name);
                        }
                        skipPadding(in, size);
                    }
                    case '5' -> {
                        Files.createDirectories(resolveInside(root, name));
                        skipData(in, size);
                    }
                    default -> {
                        LOG.warn("Skipping tar entry '{}' of type '{}' (not a regular file or folder)", name, type);
                        skipData(in, size);
                    }
                }
                offset += (size + BLOCK - 1) / BLOCK * BLOCK;
            }
        } catch (EOFException e) {
            throw new IOException(archive.getFileName() + " ends unexpectedly (truncated download?): " + e.getMessage(), e);
        } catch (java.util.zip.ZipException e) {
            throw new IOException(archive.getFileName() + " is not a valid gzip file: " + e.getMessage(), e);
        }
    }

    private static Path resolveInside(Path root, String name) throws IOException {
        Path dest = root.resolve(name).normalize();
        if (!dest.startsWith(root) || dest.equals(root) || Path.of(name).isAbsolute()) {
            throw new IOException("archive entry '" + name + "' points outside the target folder");
        }
        return dest;
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    /** The header checksum is the byte sum with the checksum field itself counted as spaces. */
    private static void checkChecksum(byte[] h, long offset) throws IOException {
        long stored = parseOctal(h, 148, 8, offset, "checksum");
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : (h[i] & 0xff);
        }
        if (sum != stored) {
            throw new IOException("not a tar archive, or a corrupt header at byte " + offset
                    + " (checksum " + stored + ", computed " + sum + ")");
        }
    }

    private static long parseSize(byte[] h, long offset) throws IOException {
        if ((h[124] & 0x80) != 0) { // GNU base-256 encoding for sizes >= 8 GiB
            long v = 0;
            for (int i = 125; i < 136; i++) {
                v = (v << 8) | (h[i] & 0xff);
            }
            return v;
        }
        return parseOctal(h, 124, 12, offset, "size");
    }

    private static long parseOctal(byte[] h, int start, int len, long offset, String field) throws IOException {
        long v = 0;
        boolean digits = false;
        for (int i = start; i < start + len; i++) {
            byte b = h[i];
            if (b == 0 || b == ' ') {
                if (digits) {
                    break;
                }
                continue;
            }
            if (b < '0' || b > '7') {
                throw new IOException("not a tar archive: bad " + field + " field in the header at byte " + offset);
            }
            v = v * 8 + (b - '0');
            digits = true;
        }
        return v;
    }

    private static String headerName(byte[] h) {
        String name = field(h, 0, 100);
        // POSIX ustar ("ustar\0") splits long paths into prefix + name; GNU ("ustar  ") uses those bytes otherwise.
        boolean posix = h[257] == 'u' && h[258] == 's' && h[259] == 't' && h[260] == 'a' && h[261] == 'r' && h[262] == 0;
        String prefix = posix ? field(h, 345, 155) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    private static String field(byte[] h, int start, int len) {
        int end = start;
        while (end < start + len && h[end] != 0) {
            end++;
        }
        return new String(h, start, end - start, StandardCharsets.UTF_8);
    }

    private static String trimNul(String s) {
        int i = s.indexOf('\0');
        return i < 0 ? s : s.substring(0, i);
    }

    /** The {@code path} value of pax records {@code "<len> key=value\n"}, or null when there is none. */
    private static String paxPath(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        for (String line : text.split("\n")) {
            int space = line.indexOf(' ');
            int eq = line.indexOf('=');
            if (space > 0 && eq > space && line.substring(space + 1, eq).equals("path")) {
                return line.substring(eq + 1);
            }
        }
        return null;
    }

    private static byte[] readData(InputStream in, long size, long offset) throws IOException {
        if (size > 1 << 20) {
            throw new IOException("implausibly large tar metadata entry (" + size + " bytes) at byte " + offset);
        }
        byte[] data = in.readNBytes((int) size);
        if (data.length != size) {
            throw new EOFException("tar entry data cut off");
        }
        skipPadding(in, size);
        return data;
    }

    private static void copyExactly(InputStream in, OutputStream out, long size, String name) throws IOException {
        byte[] buf = new byte[1 << 16];
        long left = size;
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                throw new EOFException("entry '" + name + "' is cut off after " + (size - left) + " of " + size + " bytes");
            }
            out.write(buf, 0, n);
            left -= n;
        }
    }

    private static void skipData(InputStream in, long size) throws IOException {
        copyExactly(in, OutputStream.nullOutputStream(), size, "(skipped)");
        skipPadding(in, size);
    }

    private static void skipPadding(InputStream in, long size) throws IOException {
        int pad = (int) ((BLOCK - size % BLOCK) % BLOCK);
        if (in.readNBytes(pad).length != pad) {
            throw new EOFException("tar padding cut off");
        }
    }
}

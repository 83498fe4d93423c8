package org.mudsc4j.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.mudsc4j.util.AtomicFiles;
import org.nd4j.linalg.api.ndarray.INDArray;

/** NumPy {@code .npz} archives (a zip of {@code <name>.npy} entries), read and written with {@link NpyCodec}; writes are atomic. */
public final class NpzFile {
    private NpzFile() {
    }

    public static void write(Path file, Map<String, INDArray> arrays) throws IOException {
        AtomicFiles.write(file, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            for (Map.Entry<String, INDArray> e : arrays.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
                zip.write(NpyCodec.encode(e.getValue()));
                zip.closeEntry();
            }
            zip.finish();
        });
    }

    /** @throws IOException naming the file when it is missing or not a readable .npz */
    public static Map<String, INDArray> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("npz file " + file + " does not exist");
        }
        Map<String, INDArray> out = new LinkedHashMap<>();
        // ZipFile reads the central directory at the end, so a truncated archive fails here instead of reading as
        // one with fewer arrays (a streaming read stops silently at the last complete entry).
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(file.toFile())) {
            for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                String name = e.getName();
                if (!name.endsWith(".npy")) {
                    throw new IOException(file + ": entry " + name + " is not a .npy array");
                }
                String key = name.substring(0, name.length() - 4);
                try (var in = zip.getInputStream(e)) {
                    out.put(key, NpyCodec.decode(in.readAllBytes(), file + ":" + name));
                }
            }
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains(file.toString())) {
                throw e;
            }
            throw new IOException("cannot read " + file + " as a .npz archive (truncated or not a zip?): "
                    + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new IOException(file + " holds no arrays (not a .npz archive?)");
        }
        return out;
    }
}

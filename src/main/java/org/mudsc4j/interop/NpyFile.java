package org.mudsc4j.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.nd4j.linalg.api.ndarray.INDArray;

/** One NumPy {@code .npy} array on disk (e.g. a list of image indices), read with the project's own codec. */
public final class NpyFile {
    private NpyFile() {
    }

    /** Writes {@code array} as a {@code .npy} file, atomically. */
    public static void write(Path file, INDArray array) throws IOException {
        byte[] bytes = NpyCodec.encode(array);
        org.mudsc4j.util.AtomicFiles.write(file, out -> out.write(bytes));
    }

    /** @throws IOException naming the file when it is missing or not a readable {@code .npy} array */
    public static INDArray read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("npy file " + file + " does not exist");
        }
        return NpyCodec.decode(Files.readAllBytes(file), file.toString());
    }
}

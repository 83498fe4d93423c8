package org.mudsc4j.train;

import org.mudsc4j.util.AtomicFiles;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * The frozen class-embedding space that replaces a classifier (the paper uses CLIP text embeddings): a
 * {@code C × d} matrix of unit-length rows, one per global class id, plus an {@code id} naming where it came
 * from so checkpoints can record which space a model was trained against. Immutable.
 */
public final class ClassEmbeddings {
    /** Embedding width of CLIP ViT-B/32, the reference's target space. */
    public static final int DEFAULT_DIM = 512;

    private final float[] rows; // row-major C × d, each row of unit L2 norm
    private final int numClasses;
    private final int dim;
    private final String id;

    private ClassEmbeddings(float[] rows, int numClasses, int dim, String id) {
        this.rows = rows;
        this.numClasses = numClasses;
        this.dim = dim;
        this.id = id;
    }

    /**
     * Deterministic random unit vectors, for running without real CLIP embeddings.
     *
     * <p>Generator (kept independent of ND4J's RNG so the result never changes with the backend): a
     * {@link SplittableRandom} seeded with {@code seed} fills the matrix row-major with standard normals made by
     * the Box–Muller transform, two per pair of uniforms {@code u1, u2 = nextDouble()}:
     * {@code r = sqrt(-2 ln(1 - u1))}, giving {@code r·cos(2πu2)} then {@code r·sin(2πu2)}. Each row is then
     * divided by its L2 norm in double precision and stored as float.
     */
    public static ClassEmbeddings seeded(int numClasses, int dim, long seed) {
        requirePositive(numClasses, "numClasses");
        requirePositive(dim, "dim");
        SplittableRandom random = new SplittableRandom(seed);
        double[] gaussians = new double[numClasses * dim];
        for (int i = 0; i < gaussians.length; i += 2) {
            double r = Math.sqrt(-2.0 * Math.log(1.0 - random.nextDouble())); // 1-u in (0,1]: log never sees 0
            double theta = 2.0 * Math.PI * random.nextDouble();
            gaussians[i] = r * Math.cos(theta);
            if (i + 1 < gaussians.length) {
                gaussians[i + 1] = r * Math.sin(theta);
            }
        }
        String id = "seeded-unit:C=" + numClasses + ",d=" + dim + ",seed=" + seed;
        return new ClassEmbeddings(normaliseRows(gaussians, numClasses, dim, id), numClasses, dim, id);
    }

    /** Same as {@link #seeded(int, int, long)} with {@link #DEFAULT_DIM}. */
    public static ClassEmbeddings seeded(int numClasses, long seed) {
        return seeded(numClasses, DEFAULT_DIM, seed);
    }

    /**
     * Reads a user-supplied {@code .npy} matrix (any floating dtype, e.g. fp16 CLIP text embeddings), one row per
     * global class id. Rows are L2-normalised here, so unnormalised files are accepted. The id records the file
     * name and the first 16 hex digits of its SHA-256, so a changed file is never mistaken for the old one.
     *
     * @param expectedClasses the number of rows required, or -1 to accept any
     */
    public static ClassEmbeddings load(Path npy, int expectedClasses) throws IOException {
        if (!Files.isRegularFile(npy)) {
            throw new IOException("Class-embedding file " + npy + " does not exist or is not a file");
        }
        INDArray array;
        try {
            array = Nd4j.createFromNpyFile(npy.toFile());
        } catch (RuntimeException e) {
            throw new IOException("Cannot read " + npy + " as a .npy array: " + e.getMessage(), e);
        }
        if (array.rank() != 2) {
            throw new IOException("Class-embedding file " + npy + " must hold a 2-D [classes, dim] array, got shape "
                    + java.util.Arrays.toString(array.shape()));
        }
        if (!array.dataType().isFPType()) {
            throw new IOException("Class-embedding file " + npy + " must hold floating-point values, got "
                    + array.dataType());
        }
        int numClasses = (int) array.rows();
        int dim = (int) array.columns();
        if (expectedClasses >= 0 && numClasses != expectedClasses) {
            throw new IOException("Class-embedding file " + npy + " has " + numClasses + " rows but the data set has "
                    + expectedClasses + " classes");
        }
        requirePositive(numClasses, "rows in " + npy);
        requirePositive(dim, "columns in " + npy);
        double[] values = array.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new IOException("Class-embedding file " + npy + " has a non-finite value at row " + (i / dim)
                        + ", column " + (i % dim));
            }
        }
        String id = "file:" + npy.getFileName() + ":sha256:" + FileHashes.sha256Hex(npy).substring(0, 16);
        return new ClassEmbeddings(normaliseRows(values, numClasses, dim, id), numClasses, dim, id);
    }

    /** Writes the matrix as a float32 {@code .npy} file (atomically). */
    public void save(Path npy) throws IOException {
        INDArray matrix = matrix();
        AtomicFiles.write(npy, out -> Nd4j.writeAsNumpy(matrix, out));
    }

    public int numClasses() {
        return numClasses;
    }

    public int dim() {
        return dim;
    }

    /** Where the embeddings came from; recorded in checkpoints. */
    public String id() {
        return id;
    }

    /** A copy of one class's unit row. */
    public float[] row(int classId) {
        checkClass(classId);
        float[] out = new float[dim];
        System.arraycopy(rows, classId * dim, out, 0, dim);
        return out;
    }

    /** The whole matrix as a new float {@code [C, d]} array. */
    public INDArray matrix() {
        return Nd4j.create(rows.clone(), new long[]{numClasses, dim}, DataType.FLOAT);
    }

    /** Rows of the given global classes, in the given (split) order, as a new float {@code [K, d]} array. */
    public INDArray rows(int[] classes) {
        return Nd4j.create(rowsFlat(classes), new long[]{classes.length, dim}, DataType.FLOAT);
    }

    /** Row-major {@code K × d} copy of the given classes' rows, in the given order. */
    public float[] rowsFlat(int[] classes) {
        if (classes.length == 0) {
            throw new IllegalArgumentException("Class list is empty");
        }
        float[] out = new float[classes.length * dim];
        for (int k = 0; k < classes.length; k++) {
            checkClass(classes[k]);
            System.arraycopy(rows, classes[k] * dim, out, k * dim, dim);
        }
        return out;
    }

    @Override
    public String toString() {
        return "ClassEmbeddings[" + id + "]";
    }

    private void checkClass(int classId) {
        if (classId < 0 || classId >= numClasses) {
            throw new IllegalArgumentException("Class id " + classId + " out of range [0, " + numClasses + ") for "
                    + id);
        }
    }

    private static float[] normaliseRows(double[] values, int numClasses, int dim, String source) {
        float[] out = new float[values.length];
        for (int c = 0; c < numClasses; c++) {
            double sq = 0;
            for (int j = 0; j < dim; j++) {
                double v = values[c * dim + j];
                sq += v * v;
            }
            double norm = Math.sqrt(sq);
            if (norm == 0.0) {
                throw new IllegalArgumentException("Class embedding row " + c + " of " + source
                        + " is all zeros and cannot be normalised");
            }
            for (int j = 0; j < dim; j++) {
                out[c * dim + j] = (float) (values[c * dim + j] / norm);
            }
        }
        return out;
    }

    private static void requirePositive(int value, String what) {
        if (value <= 0) {
            throw new IllegalArgumentException(what + " must be positive, got " + value);
        }
    }
}

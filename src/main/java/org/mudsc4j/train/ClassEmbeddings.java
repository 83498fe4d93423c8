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
 * {@code C × d} matrix of unit-length rows, one per global class id. Checkpoints record which space a model was
 * trained against by {@link #id()}, a hash of the matrix itself, so the same matrix is recognised however it arrives
 * (seeded, or exported to {@code .npy} and read back); {@link #source()} says where it came from. Immutable.
 */
public final class ClassEmbeddings {
    /** Embedding width of CLIP ViT-B/32, the reference's target space. */
    public static final int DEFAULT_DIM = 512;
    private static final String SEEDED_PREFIX = "seeded-unit:";
    /** Norm deviation from 1 that float rounding of a unit row can produce (d up to a few thousand). */
    private static final double UNIT_TOLERANCE = 1e-5;

    private final float[] rows; // row-major C × d, each row of unit L2 norm
    private final int numClasses;
    private final int dim;
    private final String source;
    private final String id;
    private final String legacyFileId; // what checkpoints recorded for this file before ids were content hashes

    private ClassEmbeddings(float[] rows, int numClasses, int dim, String source, String legacyFileId) {
        this.legacyFileId = legacyFileId;
        this.rows = rows;
        this.numClasses = numClasses;
        this.dim = dim;
        this.source = source;
        this.id = contentId(rows, numClasses, dim);
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
        String source = SEEDED_PREFIX + "C=" + numClasses + ",d=" + dim + ",seed=" + seed;
        return new ClassEmbeddings(normaliseRows(gaussians, numClasses, dim, source), numClasses, dim, source, null);
    }

    /** Same as {@link #seeded(int, int, long)} with {@link #DEFAULT_DIM}. */
    public static ClassEmbeddings seeded(int numClasses, long seed) {
        return seeded(numClasses, DEFAULT_DIM, seed);
    }

    /**
     * Reads a user-supplied {@code .npy} matrix (any floating dtype, e.g. fp16 CLIP text embeddings), one row per
     * global class id. Rows are L2-normalised here, so unnormalised files are accepted; rows that are unit-length
     * already (to float precision) are kept bit for bit, so an exported matrix reads back with the same {@link #id()}.
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
        String source = "file:" + npy;
        String legacy = "file:" + npy.getFileName() + ":sha256:" + FileHashes.sha256Hex(npy).substring(0, 16);
        return new ClassEmbeddings(normaliseRows(values, numClasses, dim, source), numClasses, dim, source, legacy);
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

    /**
     * What the embeddings are: {@code sha256:} and the first 16 hex digits of the SHA-256 of the shape and the float
     * rows (little-endian); recorded in checkpoints.
     */
    public String id() {
        return id;
    }

    /** Where the embeddings came from (seed or file), for messages. */
    public String source() {
        return source;
    }

    /**
     * Whether an id recorded in a checkpoint names this matrix. Checkpoints made before ids were content hashes
     * recorded the seeded set's recipe ({@code seeded-unit:C=10,d=512,seed=0}), regenerated and hashed here, or a
     * file's name and hash ({@code file:emb.npy:sha256:…}), which a file loaded now still matches.
     */
    public boolean matches(String recordedId) {
        return id.equals(canonicalId(recordedId)) || (legacyFileId != null && legacyFileId.equals(recordedId));
    }

    /** A recorded id in today's form: legacy seeded recipes become their content hash, others stay as they are. */
    public static String canonicalId(String recordedId) {
        if (recordedId == null || !recordedId.startsWith(SEEDED_PREFIX)) {
            return recordedId;
        }
        java.util.Map<String, String> parts = new java.util.HashMap<>();
        for (String kv : recordedId.substring(SEEDED_PREFIX.length()).split(",")) {
            String[] p = kv.split("=", 2);
            if (p.length == 2) {
                parts.put(p[0], p[1]);
            }
        }
        try {
            return seeded(Integer.parseInt(parts.get("C")), Integer.parseInt(parts.get("d")),
                    Long.parseLong(parts.get("seed"))).id();
        } catch (RuntimeException e) {
            return recordedId; // not a recipe we can regenerate: compared as text
        }
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
        return "ClassEmbeddings[" + source + ", " + id + "]";
    }

    private void checkClass(int classId) {
        if (classId < 0 || classId >= numClasses) {
            throw new IllegalArgumentException("Class id " + classId + " out of range [0, " + numClasses + ") for "
                    + source);
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
            // A row already of unit length in float is kept as it is: dividing by a norm of 1 ± 1e-7 could move
            // elements by an ulp and change the matrix's id.
            double divisor = Math.abs(norm - 1.0) < UNIT_TOLERANCE ? 1.0 : norm;
            for (int j = 0; j < dim; j++) {
                out[c * dim + j] = (float) (values[c * dim + j] / divisor);
            }
        }
        return out;
    }

    private static String contentId(float[] rows, int numClasses, int dim) {
        java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(8 + 4 * rows.length)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        bytes.putInt(numClasses).putInt(dim);
        for (float v : rows) {
            bytes.putFloat(v);
        }
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(bytes.array());
            return "sha256:" + java.util.HexFormat.of().formatHex(digest).substring(0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private static void requirePositive(int value, String what) {
        if (value <= 0) {
            throw new IllegalArgumentException(what + " must be positive, got " + value);
        }
    }
}

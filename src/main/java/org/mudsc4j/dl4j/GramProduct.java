package org.mudsc4j.dl4j;

import java.nio.DoubleBuffer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code G += X·Xᵀ} in double precision, for a {@code rows × k} matrix X that callers stage chunk by chunk in native
 * memory: the product behind the activation and weight correlations.
 *
 * <p>Fast path: OpenBLAS's {@code dsyrk} straight on the staged chunk, upper triangle only. Why: ND4J's GEMM of the
 * chunk with its own transpose computes both triangles and copies an operand first; for the thin matrices of the
 * feature pass (2 × 16 … 2 × 64 rows, thousands of samples) {@code dsyrk} took the correlations of a ResNet-20 ×1
 * batch (1×28×28, 128 images, 12 groups, two models) from ~118 to ~77 ms.
 *
 * <p>Stock path ({@code -Dmudsc4j.nativeGram=false}, and wherever OpenBLAS cannot be loaded or ND4J does not run on
 * the CPU): ND4J's GEMM, as before. Both add the same exact double products; only their summation order differs
 * (≈1e-16 relative), which the tests bound. Not thread-safe, except that disjoint rows of the staging buffer may be
 * written from several threads.
 */
public final class GramProduct {
    public static final String PROPERTY = "mudsc4j.nativeGram";
    private static final Logger LOG = LoggerFactory.getLogger(GramProduct.class);
    private static final int ROW_MAJOR = openblas.CblasRowMajor;
    private static final int UPPER = openblas.CblasUpper;
    private static final int NO_TRANS = openblas.CblasNoTrans;
    private static volatile Boolean loaded;

    private final int rows;
    private final int capacity;
    private final boolean syrk;
    /** The staged chunk (rows × capacity doubles): allocated once, as a fresh one costs more page faults than its product. */
    private final INDArray chunk;
    private final DoubleBuffer staging;
    private final INDArray gram;
    private final DoublePointer chunkAddress;
    private final DoublePointer gramAddress;

    /**
     * @param rows     rows of X (and the order of G)
     * @param capacity the most samples (columns) one chunk holds
     */
    public GramProduct(int rows, int capacity) {
        if (rows < 1 || capacity < 1) {
            throw new IllegalArgumentException("rows and capacity must be >= 1, got " + rows + ", " + capacity);
        }
        Math.multiplyExact(rows, capacity); // the staging buffer is indexed by int
        this.rows = rows;
        this.capacity = capacity;
        this.syrk = Switches.on(PROPERTY) && nativeAvailable();
        long values = (long) rows * capacity;
        chunk = Nd4j.createUninitialized(DataType.DOUBLE, values);
        staging = pointer(chunk).position(0).limit(values).capacity(values).asBuffer(); // asBuffer spans [0, limit)
        // dsyrk writes a row-major matrix; ND4J's GEMM keeps the column-major result it always had
        gram = Nd4j.zeros(DataType.DOUBLE, rows, rows).dup(syrk ? 'c' : 'f');
        chunkAddress = pointer(chunk);
        gramAddress = pointer(gram);
    }

    /** Whether OpenBLAS's {@code dsyrk} can run here (ND4J on the CPU, the library loadable). */
    static boolean nativeAvailable() {
        Boolean l = loaded;
        if (l == null) {
            synchronized (GramProduct.class) {
                if (loaded == null) {
                    loaded = load();
                }
                l = loaded;
            }
        }
        return l;
    }

    private static boolean load() {
        if (!"CPU".equalsIgnoreCase(Dl4jRuntime.backendName())) {
            return false;
        }
        try {
            Loader.load(openblas.class);
            return true;
        } catch (Throwable e) { // a missing native library is an Error: fall back, do not fail the merge
            LOG.info("OpenBLAS not loadable ({}); correlations use ND4J's GEMM", e.toString());
            return false;
        }
    }

    /** Whether this product runs on {@code dsyrk} (false: ND4J's GEMM). */
    public boolean usesSyrk() {
        return syrk;
    }

    /**
     * Where the next chunk goes: row r's k samples at {@code [r·k, (r+1)·k)}, for the k passed to {@link #addChunk}.
     * Write with absolute {@code put(index, value)} only.
     */
    public DoubleBuffer staging() {
        return staging;
    }

    /** Adds {@code X·Xᵀ} of the staged {@code rows × k} chunk (every row written) to G. */
    public void addChunk(int k) {
        if (k < 1 || k > capacity) {
            throw new IllegalArgumentException("chunk of " + k + " samples, expected 1.." + capacity);
        }
        if (syrk) {
            openblas.cblas_dsyrk(ROW_MAJOR, UPPER, NO_TRANS, rows, k, 1.0, chunkAddress, k, 1.0,
                    gramAddress, rows);
            return;
        }
        INDArray x = k == capacity ? chunk.reshape('c', rows, k)
                : chunk.get(NDArrayIndex.interval(0, (long) rows * k)).reshape('c', rows, k);
        Nd4j.gemm(x, x, gram, false, true, 1.0, 1.0);
    }

    /** G so far, row-major {@code rows × rows}, both triangles (all zeros before the first chunk). */
    public double[] gram() {
        double[] g = gram.dup('c').data().asDouble();
        if (syrk) { // dsyrk leaves the lower triangle alone: mirror the upper one
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < i; j++) {
                    g[i * rows + j] = g[j * rows + i];
                }
            }
        }
        return g;
    }

    /** Sets G to zero, keeping the buffers. */
    public void reset() {
        gram.assign(0.0);
    }

    private static DoublePointer pointer(INDArray a) {
        return new DoublePointer(a.data().addressPointer());
    }
}

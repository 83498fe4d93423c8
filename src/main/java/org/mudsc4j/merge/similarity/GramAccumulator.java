package org.mudsc4j.merge.similarity;

import org.bytedeco.javacpp.DoublePointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The hot kernel of both correlations: {@code G += X·Xᵀ} and the row sums of X, for a {@code rows × samples} matrix X
 * that arrives in pieces (several models' rows, sample chunks), with non-finite values counted as 0.
 *
 * <p>Why BLAS: the product is a GEMM, and ND4J's double GEMM replaced a hand-tiled Java loop here (ResNet-20 ×1,
 * 3×32×32, 12 groups: ~330 → ~150 ms of correlation per 128-image batch; what is left is mostly the thin O = 32
 * GEMMs of the 16-channel groups, which BLAS runs far below its peak). It stays in double:
 * float inputs are exact in double, so only the summation order differs from the previous kernel (≈1e-16), and the
 * merged models are unchanged. Samples go through a staging buffer of at most {@link #STAGING_VALUES} doubles per
 * call, so memory does not grow with the batch or the image size.
 *
 * <p>Not thread-safe, except that {@code stage} calls for disjoint rows may run in parallel; the GEMM uses ND4J's
 * BLAS threads.
 */
final class GramAccumulator {
    /** Largest staging chunk (rows × samples doubles, 2 MiB, in Java and native memory each). */
    static final int STAGING_VALUES = 1 << 18;

    private final int rows;
    private final int chunk;
    private final double[] staging;
    private final double[] rowSum;
    private INDArray nativeChunk;
    private INDArray gram;

    GramAccumulator(int rows) {
        if (rows < 1) {
            throw new IllegalArgumentException("rows must be >= 1, got " + rows);
        }
        this.rows = rows;
        this.chunk = Math.max(64, STAGING_VALUES / rows);
        this.staging = new double[Math.multiplyExact(rows, chunk)];
        this.rowSum = new double[rows];
    }

    /** Samples per staged chunk: callers feed samples {@code [s0, s0 + chunkSamples())} at a time. */
    int chunkSamples() {
        return chunk;
    }

    /**
     * Stages samples {@code [s0, s0 + k)} of {@code units} source rows (row u at {@code src[(srcRow + u)·stride ..]})
     * as rows {@code [dstRow, dstRow + units)} of the current chunk.
     */
    void stage(float[] src, int srcRow, int units, int stride, int s0, int k, int dstRow) {
        for (int u = 0; u < units; u++) {
            int from = (srcRow + u) * stride + s0;
            int to = (dstRow + u) * k;
            double sum = 0;
            for (int t = 0; t < k; t++) {
                double v = src[from + t];
                if (!Double.isFinite(v)) {
                    v = 0;
                }
                staging[to + t] = v;
                sum += v;
            }
            rowSum[dstRow + u] += sum;
        }
    }

    /** As {@link #stage(float[], int, int, int, int, int, int)} for double sources. */
    void stage(double[] src, int srcRow, int units, int stride, int s0, int k, int dstRow) {
        for (int u = 0; u < units; u++) {
            int from = (srcRow + u) * stride + s0;
            int to = (dstRow + u) * k;
            double sum = 0;
            for (int t = 0; t < k; t++) {
                double v = src[from + t];
                if (!Double.isFinite(v)) {
                    v = 0;
                }
                staging[to + t] = v;
                sum += v;
            }
            rowSum[dstRow + u] += sum;
        }
    }

    /** Adds {@code X·Xᵀ} of the staged chunk ({@code rows × k}, every row staged) to the Gram matrix. */
    void multiply(int k) {
        if (k < 1 || k > chunk) {
            throw new IllegalArgumentException("chunk of " + k + " samples, expected 1.." + chunk);
        }
        if (nativeChunk == null) {
            // allocated once: a fresh native chunk costs more page faults than its GEMM takes (~20 ms for 8 MiB)
            nativeChunk = Nd4j.createUninitialized(DataType.DOUBLE, (long) rows * chunk);
            gram = Nd4j.zeros(DataType.DOUBLE, rows, rows).dup('f');
        }
        ((DoublePointer) nativeChunk.data().addressPointer()).put(staging, 0, rows * k);
        INDArray x = k == chunk ? nativeChunk.reshape('c', rows, k)
                : nativeChunk.get(NDArrayIndex.interval(0, (long) rows * k)).reshape('c', rows, k);
        Nd4j.gemm(x, x, gram, false, true, 1.0, 1.0);
    }

    /** The accumulated Gram matrix, row-major rows×rows (all zeros before the first chunk). */
    double[] gram() {
        return gram == null ? new double[rows * rows] : gram.dup('c').data().asDouble();
    }

    /** The accumulated row sums (a live view: callers read, never write). */
    double[] rowSum() {
        return rowSum;
    }

    /** Forgets everything accumulated, keeping the buffers. */
    void reset() {
        java.util.Arrays.fill(rowSum, 0.0);
        if (gram != null) {
            gram.assign(0.0);
        }
    }
}

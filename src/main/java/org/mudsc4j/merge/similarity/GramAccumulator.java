package org.mudsc4j.merge.similarity;

import java.nio.DoubleBuffer;
import org.mudsc4j.dl4j.GramProduct;

/**
 * The hot kernel of both correlations: {@code G += X·Xᵀ} and the row sums of X, for a {@code rows × samples} matrix X
 * that arrives in pieces (several models' rows, sample chunks), with non-finite values counted as 0.
 *
 * <p>Why BLAS: the product is a symmetric rank-k update, which {@link GramProduct} runs on OpenBLAS's {@code dsyrk}
 * (ND4J's GEMM where that is switched off); a hand-tiled Java loop here was 2× slower than even the GEMM. It stays in
 * double: float inputs are exact in double, so only the summation order differs between the paths (≈1e-16), and the
 * merged models are unchanged. Samples are staged, converted to double, straight into the product's native buffer of at
 * most {@link #STAGING_VALUES} doubles per chunk, so memory does not grow with the batch or the image size.
 *
 * <p>Not thread-safe, except that {@code stage} calls for disjoint rows may run in parallel.
 */
final class GramAccumulator {
    /** Largest staging chunk (rows × samples doubles, 2 MiB of native memory). */
    static final int STAGING_VALUES = 1 << 18;

    private final int rows;
    private final int chunk;
    private final double[] rowSum;
    private final GramProduct product;

    GramAccumulator(int rows) {
        if (rows < 1) {
            throw new IllegalArgumentException("rows must be >= 1, got " + rows);
        }
        this.rows = rows;
        this.chunk = Math.max(64, STAGING_VALUES / rows);
        this.rowSum = new double[rows];
        this.product = new GramProduct(rows, chunk);
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
        DoubleBuffer staging = product.staging();
        for (int u = 0; u < units; u++) {
            int from = (srcRow + u) * stride + s0;
            int to = (dstRow + u) * k;
            double sum = 0;
            for (int t = 0; t < k; t++) {
                double v = src[from + t];
                if (!Double.isFinite(v)) {
                    v = 0;
                }
                staging.put(to + t, v);
                sum += v;
            }
            rowSum[dstRow + u] += sum;
        }
    }

    /** As {@link #stage(float[], int, int, int, int, int, int)} for double sources. */
    void stage(double[] src, int srcRow, int units, int stride, int s0, int k, int dstRow) {
        DoubleBuffer staging = product.staging();
        for (int u = 0; u < units; u++) {
            int from = (srcRow + u) * stride + s0;
            int to = (dstRow + u) * k;
            double sum = 0;
            for (int t = 0; t < k; t++) {
                double v = src[from + t];
                if (!Double.isFinite(v)) {
                    v = 0;
                }
                staging.put(to + t, v);
                sum += v;
            }
            rowSum[dstRow + u] += sum;
        }
    }

    /** Adds {@code X·Xᵀ} of the staged chunk ({@code rows × k}, every row staged) to the Gram matrix. */
    void multiply(int k) {
        product.addChunk(k);
    }

    /** The accumulated Gram matrix, row-major rows×rows (all zeros before the first chunk). */
    double[] gram() {
        return product.gram();
    }

    /** The accumulated row sums (a live view: callers read, never write). */
    double[] rowSum() {
        return rowSum;
    }

    /** Forgets everything accumulated, keeping the buffers. */
    void reset() {
        java.util.Arrays.fill(rowSum, 0.0);
        product.reset();
    }
}

package org.mudsc4j.merge.similarity;

import java.util.stream.IntStream;

/**
 * The hot kernel of both correlations: {@code G += X·Xᵀ} for a {@code rows × samples} matrix X, upper triangle only
 * (G is symmetric; {@link Pearson} mirrors it). X arrives in sample-major chunks ({@code chunk × rows}, see
 * {@link #pack}) so that the innermost loop runs over contiguous units of one sample and the JIT can vectorise it.
 *
 * <p>Blocking: a {@code TILE_ROWS × TILE_COLS} tile of G (16 KiB) stays in L1 while a chunk's samples stream past it;
 * four samples are folded per pass to cut the load/store traffic on G by four. Work is split over i-blocks, which are
 * dealt round-robin to threads; each entry of G is owned by one thread and summed in a fixed order, so the result does
 * not depend on the thread count.
 */
final class SymmetricGram {
    /** Samples per packed chunk. */
    static final int CHUNK = 256;
    private static final int TILE_ROWS = 8;
    private static final int TILE_COLS = 256;

    private SymmetricGram() {
    }

    /**
     * Adds {@code Σ_s x_s x_sᵀ} of a packed chunk to the upper triangle of {@code g} (row-major rows×rows).
     *
     * @param xt sample-major chunk: sample s, unit u at {@code xt[s·rows + u]}
     */
    static void accumulate(double[] xt, int chunk, int rows, double[] g, int threads) {
        int blocks = (rows + TILE_ROWS - 1) / TILE_ROWS;
        if (threads <= 1 || blocks < 2) {
            for (int b = 0; b < blocks; b++) {
                rowBlock(xt, chunk, rows, g, b * TILE_ROWS);
            }
        } else {
            int t = Math.min(threads, blocks);
            IntStream.range(0, t).parallel().forEach(worker -> {
                for (int b = worker; b < blocks; b += t) {
                    rowBlock(xt, chunk, rows, g, b * TILE_ROWS);
                }
            });
        }
    }

    private static void rowBlock(double[] xt, int chunk, int rows, double[] g, int ib) {
        int ie = Math.min(ib + TILE_ROWS, rows);
        for (int jb = ib; jb < rows; jb += TILE_COLS) {
            int je = Math.min(jb + TILE_COLS, rows);
            int s = 0;
            for (; s + 3 < chunk; s += 4) {
                int x0 = s * rows;
                int x1 = x0 + rows;
                int x2 = x1 + rows;
                int x3 = x2 + rows;
                for (int i = ib; i < ie; i++) {
                    double a0 = xt[x0 + i];
                    double a1 = xt[x1 + i];
                    double a2 = xt[x2 + i];
                    double a3 = xt[x3 + i];
                    int gi = i * rows;
                    for (int j = jb; j < je; j++) {
                        g[gi + j] += a0 * xt[x0 + j] + a1 * xt[x1 + j] + a2 * xt[x2 + j] + a3 * xt[x3 + j];
                    }
                }
            }
            for (; s < chunk; s++) {
                int x0 = s * rows;
                for (int i = ib; i < ie; i++) {
                    double a0 = xt[x0 + i];
                    int gi = i * rows;
                    for (int j = jb; j < je; j++) {
                        g[gi + j] += a0 * xt[x0 + j];
                    }
                }
            }
        }
    }

    /**
     * Transposes samples {@code [s0, s0+chunk)} of a channel-major block ({@code units × samples}) into rows
     * {@code unitOffset..} of the sample-major chunk buffer, replacing non-finite values by 0, and adds the cleaned
     * values to {@code rowSum}.
     */
    static void pack(float[] src, int units, int samples, int s0, int chunk, double[] xt, int rows, int unitOffset,
            double[] rowSum) {
        for (int c = 0; c < units; c++) {
            int base = c * samples + s0;
            int u = unitOffset + c;
            double sum = 0;
            for (int t = 0; t < chunk; t++) {
                double v = src[base + t];
                if (!Double.isFinite(v)) {
                    v = 0;
                }
                xt[t * rows + u] = v;
                sum += v;
            }
            rowSum[u] += sum;
        }
    }

    /** Same as the float version for double input. */
    static void pack(double[] src, int units, int samples, int s0, int chunk, double[] xt, int rows, int unitOffset,
            double[] rowSum) {
        for (int c = 0; c < units; c++) {
            int base = c * samples + s0;
            int u = unitOffset + c;
            double sum = 0;
            for (int t = 0; t < chunk; t++) {
                double v = src[base + t];
                if (!Double.isFinite(v)) {
                    v = 0;
                }
                xt[t * rows + u] = v;
                sum += v;
            }
            rowSum[u] += sum;
        }
    }
}

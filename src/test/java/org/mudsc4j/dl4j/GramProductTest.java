package org.mudsc4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.DoubleBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The dsyrk fast path of {@link GramProduct} against a plain double loop and against ND4J's GEMM (its stock path). */
class GramProductTest {
    private static final int ROWS = 37;
    private static final int CAPACITY = 50;
    private static final int[] CHUNKS = {50, 13, 1, 50}; // full, partial and single-sample chunks

    @Test
    void syrkIsAvailableOnTheCpuBackend() {
        assertTrue(new GramProduct(3, 4).usesSyrk(), "the CPU build must run the dsyrk path the benchmarks measure");
        assertFalse(FastForwardTest.switchedOff(GramProduct.PROPERTY, () -> new GramProduct(3, 4)).usesSyrk());
    }

    @Test
    void bothPathsMatchAPlainDoubleLoopOverSeveralChunks() {
        double[][] x = randomColumns(new Random(7));
        double[] want = plainGram(x);
        double[] fast = accumulate(new GramProduct(ROWS, CAPACITY), x);
        double[] stock = FastForwardTest.switchedOff(GramProduct.PROPERTY,
                () -> accumulate(new GramProduct(ROWS, CAPACITY), x));
        for (int i = 0; i < ROWS; i++) {
            for (int j = 0; j < ROWS; j++) {
                double scale = Math.max(1.0, Math.abs(want[i * ROWS + j]));
                assertEquals(want[i * ROWS + j], fast[i * ROWS + j], 1e-12 * scale, "dsyrk at " + i + "," + j);
                assertEquals(want[i * ROWS + j], stock[i * ROWS + j], 1e-12 * scale, "GEMM at " + i + "," + j);
                assertEquals(fast[i * ROWS + j], fast[j * ROWS + i], "the lower triangle mirrors the upper one");
            }
        }
    }

    @Test
    void resetStartsFromZeroAndBadChunksAreRejected() {
        double[][] x = randomColumns(new Random(11));
        GramProduct g = new GramProduct(ROWS, CAPACITY);
        accumulate(g, x);
        g.reset();
        for (double v : g.gram()) {
            assertEquals(0.0, v);
        }
        assertEquals(plainGram(x)[5], accumulate(g, x)[5], 1e-9);
        assertThrows(IllegalArgumentException.class, () -> g.addChunk(0));
        assertThrows(IllegalArgumentException.class, () -> g.addChunk(CAPACITY + 1));
        assertThrows(IllegalArgumentException.class, () -> new GramProduct(0, 4));
        System.setProperty(GramProduct.PROPERTY, "maybe");
        try {
            assertThrows(IllegalArgumentException.class, () -> new GramProduct(3, 4));
        } finally {
            System.clearProperty(GramProduct.PROPERTY);
        }
    }

    /** Columns (samples) of a ROWS-row matrix, one chunk after another as {@link #CHUNKS} says. */
    private static double[][] randomColumns(Random r) {
        int total = 0;
        for (int k : CHUNKS) {
            total += k;
        }
        double[][] x = new double[ROWS][total];
        for (double[] row : x) {
            for (int s = 0; s < total; s++) {
                row[s] = r.nextGaussian() * 3 + (r.nextInt(4) == 0 ? 0 : 1); // offsets and exact zeros, like ReLUs
            }
        }
        return x;
    }

    private static double[] accumulate(GramProduct g, double[][] x) {
        int s0 = 0;
        for (int k : CHUNKS) {
            DoubleBuffer staging = g.staging();
            for (int row = 0; row < ROWS; row++) {
                for (int t = 0; t < k; t++) {
                    staging.put(row * k + t, x[row][s0 + t]);
                }
            }
            g.addChunk(k);
            s0 += k;
        }
        return g.gram();
    }

    private static double[] plainGram(double[][] x) {
        double[] g = new double[ROWS * ROWS];
        for (int i = 0; i < ROWS; i++) {
            for (int j = 0; j < ROWS; j++) {
                double sum = 0;
                for (int s = 0; s < x[i].length; s++) {
                    sum += x[i][s] * x[j][s];
                }
                g[i * ROWS + j] = sum;
            }
        }
        return g;
    }
}

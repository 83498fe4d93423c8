package org.mudsc4j.merge.similarity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SimilarityTest {

    /** Two-pass double-precision Pearson of rows of f (o × d), non-finite → 0, dead rows → 0. */
    static double[] twoPass(double[] f, int o, int d) {
        double[] x = f.clone();
        for (int k = 0; k < x.length; k++) {
            if (!Double.isFinite(x[k])) {
                x[k] = 0;
            }
        }
        double[] mean = new double[o];
        for (int u = 0; u < o; u++) {
            for (int t = 0; t < d; t++) {
                mean[u] += x[u * d + t];
            }
            mean[u] /= d;
        }
        double[] cov = new double[o * o];
        for (int u = 0; u < o; u++) {
            for (int w = 0; w < o; w++) {
                double s = 0;
                for (int t = 0; t < d; t++) {
                    s += (x[u * d + t] - mean[u]) * (x[w * d + t] - mean[w]);
                }
                cov[u * o + w] = s / d;
            }
        }
        double[] c = new double[o * o];
        for (int u = 0; u < o; u++) {
            for (int w = 0; w < o; w++) {
                double su = Math.sqrt(cov[u * o + u]);
                double sw = Math.sqrt(cov[w * o + w]);
                c[u * o + w] = su == 0 || sw == 0 ? 0 : cov[u * o + w] / Math.max(su * sw, 1e-7);
            }
        }
        return c;
    }

    @Test
    void correlationEqualsTwoPassIncludingDeadUnitAndNaN() {
        SplittableRandom rng = new SplittableRandom(31);
        int n = 5;
        int hw = 37; // samples per image (e.g. 37 positions); batches of different image counts
        int[] batchImages = {3, 1, 8, 2};
        int total = 0;
        for (int b : batchImages) {
            total += b * hw;
        }
        // global features per model: n × total, unit 2 of model 0 dead (constant 0), unit 4 of model 1 constant 3
        double[][] all = new double[2][n * total];
        for (int m = 0; m < 2; m++) {
            for (int k = 0; k < all[m].length; k++) {
                all[m][k] = rng.nextDouble() * 4 - 1 + (k / total) * 0.3;
            }
        }
        for (int t = 0; t < total; t++) {
            all[0][2 * total + t] = 0;
        }
        all[1][3 * total + 11] = Double.NaN;
        all[1][1 * total + 50] = Double.POSITIVE_INFINITY;
        CorrelationAccumulator acc = new CorrelationAccumulator(2, n);
        CorrelationAccumulator inBlock = new CorrelationAccumulator(2, n); // the same rows inside a wider tensor
        int offset = 0;
        for (int b : batchImages) {
            int s = b * hw;
            float[][] batch = new float[2][n * s];
            double[][] batchD = new double[2][n * s];
            for (int m = 0; m < 2; m++) {
                for (int c = 0; c < n; c++) {
                    for (int t = 0; t < s; t++) {
                        double v = all[m][c * total + offset + t];
                        batchD[m][c * s + t] = v;
                        batch[m][c * s + t] = (float) v;
                        all[m][c * total + offset + t] = Double.isFinite(v) ? (float) v : v; // oracle sees floats
                    }
                }
            }
            acc.accumulate(batch, s, b);
            float[][] wide = new float[2][(n + 3) * s];
            for (int m = 0; m < 2; m++) {
                java.util.Arrays.fill(wide[m], Float.NaN); // rows outside the group must not be read
                System.arraycopy(batch[m], 0, wide[m], 2 * s, n * s);
            }
            inBlock.accumulate(wide, 2, s, b);
            offset += s;
        }
        double[] f = new double[2 * n * total];
        System.arraycopy(all[0], 0, f, 0, n * total);
        System.arraycopy(all[1], 0, f, n * total, n * total);
        double[] expected = twoPass(f, 2 * n, total);
        double[] got = acc.correlation();
        assertEquals(2 * n, acc.size());
        assertEquals(14, acc.imageCount());
        for (int k = 0; k < expected.length; k++) {
            assertEquals(expected[k], got[k], 1e-12, "entry " + k);
        }
        for (int u = 0; u < 2 * n; u++) {
            assertEquals(0.0, got[2 * 2 * n + u], 0.0, "dead row");
            assertEquals(0.0, got[u * 2 * n + 2], 0.0, "dead column");
        }
        assertEquals(1.0, got[0], 1e-12);
        assertArrayEquals(got, inBlock.correlation(), "a group's rows inside a wider tensor give the same result");
    }

    @Test
    void doubleAndFloatInputAgreeOnFloatValues() {
        SplittableRandom rng = new SplittableRandom(32);
        int n = 70;
        int s = 8000; // spans five staging chunks (2^18 values / 140 rows = 1872 samples each)
        float[][] ff = new float[2][n * s];
        double[][] fd = new double[2][n * s];
        for (int m = 0; m < 2; m++) {
            for (int k = 0; k < n * s; k++) {
                ff[m][k] = (float) rng.nextDouble();
                fd[m][k] = ff[m][k];
            }
        }
        CorrelationAccumulator a = new CorrelationAccumulator(2, n);
        CorrelationAccumulator b = new CorrelationAccumulator(2, n);
        a.accumulate(ff, s, 4);
        b.accumulate(fd, s, 4);
        assertArrayEquals(a.correlation(), b.correlation());
        double[] stacked = new double[2 * n * s];
        System.arraycopy(fd[0], 0, stacked, 0, n * s);
        System.arraycopy(fd[1], 0, stacked, n * s, n * s);
        double[] expected = twoPass(stacked, 2 * n, s);
        double[] got = a.correlation();
        for (int k = 0; k < expected.length; k++) {
            assertEquals(expected[k], got[k], 1e-11);
        }
    }

    @Test
    void accumulatorRejectsWrongShapes() {
        CorrelationAccumulator a = new CorrelationAccumulator(2, 3);
        assertThrows(IllegalStateException.class, a::correlation);
        assertThrows(IllegalArgumentException.class, () -> a.accumulate(new float[1][6], 2, 1));
        assertThrows(IllegalArgumentException.class, () -> a.accumulate(new float[2][5], 2, 1));
        assertThrows(IllegalArgumentException.class, () -> a.accumulate(new float[2][6], 2, 0));
        assertThrows(IllegalArgumentException.class, () -> a.accumulate(new float[2][6], 1, 2, 1)); // rows 1..3 of only 3
        assertThrows(IllegalArgumentException.class, () -> a.accumulate(new float[2][9], 0, 2, 1));
    }

    @Test
    void weightCorrelationEqualsTwoPassWithNaNAndConstantVector() {
        SplittableRandom rng = new SplittableRandom(33);
        int units = 12;
        int dim = 300;
        double[] v = new double[units * dim];
        for (int k = 0; k < v.length; k++) {
            v[k] = rng.nextDouble() * 2 - 1;
        }
        v[5] = Double.NaN;
        for (int t = 0; t < dim; t++) {
            v[7 * dim + t] = 0.25; // constant vector → zero row/column
        }
        double[] got = WeightCorrelation.correlation(v, units, dim);
        double[] expected = twoPass(v, units, dim);
        for (int k = 0; k < expected.length; k++) {
            assertEquals(expected[k], got[k], 1e-11, "entry " + k);
        }
        for (int u = 0; u < units; u++) {
            assertEquals(0.0, got[7 * units + u], 1e-6);
        }
        assertThrows(IllegalArgumentException.class, () -> WeightCorrelation.correlation(new double[5], 2, 3));
    }

    @Test
    void mixIsConvexCombinationAndAlphaZeroGivesActivation() {
        SplittableRandom rng = new SplittableRandom(34);
        double[] w = new double[100];
        double[] a = new double[100];
        for (int k = 0; k < 100; k++) {
            w[k] = rng.nextDouble() * 2 - 1;
            a[k] = rng.nextDouble() * 2 - 1;
        }
        assertArrayEquals(a, MixedSimilarity.mix(0.0, w, a));
        assertArrayEquals(w, MixedSimilarity.mix(1.0, w, a));
        double[] m = MixedSimilarity.mix(0.3, w, a);
        for (int k = 0; k < 100; k++) {
            assertEquals(0.3 * w[k] + 0.7 * a[k], m[k], 0.0);
        }
        assertThrows(IllegalArgumentException.class, () -> MixedSimilarity.mix(1.5, w, a));
        assertThrows(IllegalArgumentException.class, () -> MixedSimilarity.mix(Double.NaN, w, a));
        assertThrows(IllegalArgumentException.class, () -> MixedSimilarity.mix(0.5, w, new double[3]));
    }
}

package org.mudsc4j.merge.match;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LinearAssignmentTest {

    /** Best total weight over all injective row→column maps, by exhaustive search. */
    private static double bruteForce(double[] w, int rows, int cols) {
        return search(w, rows, cols, 0, new boolean[cols]);
    }

    private static double search(double[] w, int rows, int cols, int row, boolean[] used) {
        if (row == rows) {
            return 0;
        }
        double best = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < cols; j++) {
            if (!used[j] && w[row * cols + j] != Double.NEGATIVE_INFINITY) {
                used[j] = true;
                best = Math.max(best, w[row * cols + j] + search(w, rows, cols, row + 1, used));
                used[j] = false;
            }
        }
        return best;
    }

    private static void assertPermutationLike(int[] a, int cols) {
        boolean[] seen = new boolean[cols];
        for (int c : a) {
            assertTrue(c >= 0 && c < cols && !seen[c], "assignment is not injective");
            seen[c] = true;
        }
    }

    private static double[] randomMatrix(SplittableRandom rng, int rows, int cols, int kind) {
        double[] w = new double[rows * cols];
        for (int k = 0; k < w.length; k++) {
            switch (kind) {
                case 0: w[k] = rng.nextDouble() * 2 - 1; break;          // continuous, negative values
                case 1: w[k] = rng.nextInt(3) - 1; break;                  // heavy ties
                case 2: w[k] = rng.nextInt(2) == 0 ? 0.5 : -2.0; break;    // two values only
                default: w[k] = Math.floor(rng.nextDouble() * 1e3) * 1e6; // large magnitudes
            }
        }
        return w;
    }

    @Test
    void squareMatchesBruteForceIncludingTies() {
        SplittableRandom rng = new SplittableRandom(1);
        for (int trial = 0; trial < 3000; trial++) {
            int n = 1 + rng.nextInt(7);
            double[] w = randomMatrix(rng, n, n, trial % 4);
            int[] a = LinearAssignment.solveMax(w, n);
            assertPermutationLike(a, n);
            double expected = bruteForce(w, n, n);
            assertEquals(expected, LinearAssignment.value(w, n, a), 1e-9 * Math.max(1, Math.abs(expected)),
                    "trial " + trial + " n=" + n);
        }
    }

    @Test
    void rectangularAndForbiddenMatchBruteForce() {
        SplittableRandom rng = new SplittableRandom(2);
        for (int trial = 0; trial < 2000; trial++) {
            int rows = 1 + rng.nextInt(6);
            int cols = rows + rng.nextInt(3);
            double[] w = randomMatrix(rng, rows, cols, trial % 3);
            if (trial % 2 == 0) {
                for (int k = 0; k < w.length; k++) {
                    if (rng.nextInt(4) == 0) {
                        w[k] = Double.NEGATIVE_INFINITY;
                    }
                }
            }
            double expected = bruteForce(w, rows, cols);
            if (expected == Double.NEGATIVE_INFINITY) {
                assertThrows(IllegalArgumentException.class, () -> LinearAssignment.solveMax(w, rows, cols));
                continue;
            }
            int[] a = LinearAssignment.solveMax(w, rows, cols);
            assertPermutationLike(a, cols);
            assertEquals(expected, LinearAssignment.value(w, cols, a), 1e-9, "trial " + trial);
        }
    }

    @Test
    void plantedPermutationIsRecoveredForLargeN() {
        SplittableRandom rng = new SplittableRandom(3);
        for (int n : new int[] {50, 200, 700}) {
            int[] perm = shuffled(rng, n);
            double[] w = new double[n * n];
            for (int k = 0; k < w.length; k++) {
                w[k] = rng.nextDouble();
            }
            for (int i = 0; i < n; i++) {
                w[i * n + perm[i]] += 2.0; // bonus > any possible gain elsewhere
            }
            assertArrayEquals(perm, LinearAssignment.solveMax(w, n), "n=" + n);
        }
    }

    @Test
    void withoutInitialPhaseGivesSameOptimum() {
        // A single -inf entry disables the JV initial phase; the optimum must not change.
        SplittableRandom rng = new SplittableRandom(4);
        for (int trial = 0; trial < 20; trial++) {
            int n = 30 + rng.nextInt(100);
            double[] w = randomMatrix(rng, n, n, trial % 2);
            double best = LinearAssignment.value(w, n, LinearAssignment.solveMax(w, n));
            int[] a = LinearAssignment.solveMax(w, n);
            double[] w2 = w.clone();
            // forbid a pair not used by the optimum found
            int row = rng.nextInt(n);
            int col = (a[row] + 1) % n;
            w2[row * n + col] = Double.NEGATIVE_INFINITY;
            double best2 = LinearAssignment.value(w2, n, LinearAssignment.solveMax(w2, n));
            assertEquals(best, best2, 1e-9 * n);
        }
    }

    @Test
    void invariantUnderAddingConstantToARowOrColumn() {
        SplittableRandom rng = new SplittableRandom(5);
        for (int trial = 0; trial < 30; trial++) {
            int n = 5 + rng.nextInt(120);
            double[] w = randomMatrix(rng, n, n, 0);
            double base = LinearAssignment.value(w, n, LinearAssignment.solveMax(w, n));
            double[] shifted = w.clone();
            int row = rng.nextInt(n);
            int col = rng.nextInt(n);
            double c = rng.nextDouble() * 10 - 5;
            double d = rng.nextDouble() * 10 - 5;
            for (int j = 0; j < n; j++) {
                shifted[row * n + j] += c;
            }
            for (int i = 0; i < n; i++) {
                shifted[i * n + col] += d;
            }
            int[] a = LinearAssignment.solveMax(shifted, n);
            // the original weights of the new optimum must still be optimal
            assertEquals(base, LinearAssignment.value(w, n, a), 1e-9 * n);
        }
    }

    @Test
    void rejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> LinearAssignment.solveMax(new double[] {1, Double.NaN, 0, 1}, 2));
        assertThrows(IllegalArgumentException.class, () -> LinearAssignment.solveMax(new double[3], 2));
        assertThrows(IllegalArgumentException.class, () -> LinearAssignment.solveMax(new double[6], 3, 2));
        double ninf = Double.NEGATIVE_INFINITY;
        assertThrows(IllegalArgumentException.class,
                () -> LinearAssignment.solveMax(new double[] {1, ninf, 2, ninf}, 2));
        assertArrayEquals(new int[0], LinearAssignment.solveMax(new double[0], 0));
    }

    static int[] shuffled(SplittableRandom rng, int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}

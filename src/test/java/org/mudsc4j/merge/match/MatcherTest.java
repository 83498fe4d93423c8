package org.mudsc4j.merge.match;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MatcherTest {

    /** Pearson correlation (O×O) of O random feature rows of length d. */
    static double[] randomCorrelation(SplittableRandom rng, int o, int d) {
        double[] f = new double[o * d];
        for (int k = 0; k < f.length; k++) {
            f[k] = rng.nextDouble() * 2 - 1;
        }
        return pearson(f, o, d);
    }

    static double[] pearson(double[] f, int o, int d) {
        double[] mean = new double[o];
        double[] sd = new double[o];
        for (int u = 0; u < o; u++) {
            double m = 0;
            for (int t = 0; t < d; t++) {
                m += f[u * d + t];
            }
            mean[u] = m / d;
            double v = 0;
            for (int t = 0; t < d; t++) {
                double x = f[u * d + t] - mean[u];
                v += x * x;
            }
            sd[u] = Math.sqrt(v / d);
        }
        double[] c = new double[o * o];
        for (int u = 0; u < o; u++) {
            for (int w = 0; w < o; w++) {
                double cov = 0;
                for (int t = 0; t < d; t++) {
                    cov += (f[u * d + t] - mean[u]) * (f[w * d + t] - mean[w]);
                }
                c[u * o + w] = cov / d / Math.max(sd[u] * sd[w], 1e-7);
            }
        }
        return c;
    }

    /** Similarity of N identical models: every block equals the same n×n correlation matrix. */
    static double[] duplicatedCorrelation(SplittableRandom rng, int n, int numModels) {
        double[] c = randomCorrelation(rng, n, 3 * n);
        int o = numModels * n;
        double[] s = new double[o * o];
        for (int x = 0; x < o; x++) {
            for (int y = 0; y < o; y++) {
                s[x * o + y] = c[(x % n) * n + (y % n)];
            }
        }
        return s;
    }

    /** S where model 1 is model 0 with its units permuted: B unit perm[k] = A unit k. */
    static double[] permutedPair(double[] c, int n, int[] perm) {
        int[] inv = new int[n];
        for (int k = 0; k < n; k++) {
            inv[perm[k]] = k;
        }
        int o = 2 * n;
        double[] s = new double[o * o];
        for (int x = 0; x < o; x++) {
            int ax = x < n ? x : inv[x - n];
            for (int y = 0; y < o; y++) {
                int ay = y < n ? y : inv[y - n];
                s[x * o + y] = c[ax * n + ay];
            }
        }
        return s;
    }

    @Test
    void identityAveragesUnitByUnit() {
        UnitMatch m = new IdentityMatcher().match(new double[9 * 9], 3, 3);
        assertEquals(1.0, m.value());
        for (int k = 0; k < 3; k++) {
            assertArrayEquals(new int[] {k, 3 + k, 6 + k}, m.members(k));
        }
    }

    @Test
    void alignRecoversPlantedPermutation() {
        SplittableRandom rng = new SplittableRandom(21);
        for (int n : new int[] {5, 40, 150}) {
            int[] perm = LinearAssignmentTest.shuffled(rng, n);
            double[] s = permutedPair(randomCorrelation(rng, n, 2 * n), n, perm);
            UnitMatch m = new AlignMatcher().match(s, 2, n);
            for (int k = 0; k < n; k++) {
                assertEquals(k, m.columnOf(0, k));
                assertEquals(k, m.columnOf(1, perm[k]), "A unit " + k + " should pair with B unit " + perm[k]);
            }
            assertEquals(1.0, m.value(), 1e-12);
        }
    }

    @Test
    void alignForThreeModelsStacksPermutationsOntoAnchor() {
        SplittableRandom rng = new SplittableRandom(22);
        int n = 30;
        double[] c = randomCorrelation(rng, n, 2 * n);
        int[] p1 = LinearAssignmentTest.shuffled(rng, n);
        int[] p2 = LinearAssignmentTest.shuffled(rng, n);
        int[][] inv = new int[3][n];
        for (int k = 0; k < n; k++) {
            inv[0][k] = k;
            inv[1][p1[k]] = k;
            inv[2][p2[k]] = k;
        }
        int o = 3 * n;
        double[] s = new double[o * o];
        for (int x = 0; x < o; x++) {
            for (int y = 0; y < o; y++) {
                s[x * o + y] = c[inv[x / n][x % n] * n + inv[y / n][y % n]];
            }
        }
        UnitMatch m = new AlignMatcher().match(s, 3, n);
        for (int k = 0; k < n; k++) {
            assertArrayEquals(new int[] {k, n + p1[k], 2 * n + p2[k]}, m.members(k));
        }
    }

    @Test
    void identicalModelsGiveIdentityForEveryMatcher() {
        SplittableRandom rng = new SplittableRandom(23);
        int n = 24;
        double[] s = duplicatedCorrelation(rng, n, 2);
        Matcher[] matchers = {new IdentityMatcher(), new AlignMatcher(), new ZipMatcher(), new GroupAlignMatcher(4),
            new GroupZipMatcher(4)};
        for (Matcher matcher : matchers) {
            UnitMatch m = matcher.match(s, 2, n);
            assertEquals(n, m.mergedWidth(), matcher.getClass().getSimpleName());
            for (int k = 0; k < n; k++) {
                // unit k of both models in the same merged unit, alone (no within-model merge)
                assertArrayEquals(new int[] {k, n + k}, m.members(m.columnOf(0, k)), matcher.getClass().getSimpleName());
            }
        }
    }

    @Test
    void groupAlignRecoversPlantedGroupAndUnitPermutation() {
        SplittableRandom rng = new SplittableRandom(24);
        int groups = 4;
        int ng = 8;
        int n = groups * ng;
        int[] groupPerm = LinearAssignmentTest.shuffled(rng, groups);
        int[] perm = new int[n]; // A unit k ↦ B unit perm[k], groups kept contiguous
        for (int j = 0; j < groups; j++) {
            int[] inner = LinearAssignmentTest.shuffled(rng, ng);
            for (int t = 0; t < ng; t++) {
                perm[j * ng + t] = groupPerm[j] * ng + inner[t];
            }
        }
        double[] s = permutedPair(randomCorrelation(rng, n, 3 * n), n, perm);
        UnitMatch m = new GroupAlignMatcher(groups).match(s, 2, n);
        for (int k = 0; k < n; k++) {
            assertEquals(k, m.columnOf(1, perm[k]));
        }
        assertEquals(1.0, m.value(), 1e-12);
    }

    @Test
    void groupAlignPairsOnlyInsideMatchedGroupPairs() {
        SplittableRandom rng = new SplittableRandom(25);
        for (int trial = 0; trial < 30; trial++) {
            int groups = 1 + rng.nextInt(6);
            int ng = 1 + rng.nextInt(6);
            int n = groups * ng;
            double[] s = ZipMatcherTest.randomSimilarity(rng, 2 * n, trial % 3);
            UnitMatch m = new GroupAlignMatcher(groups).match(s, 2, n);
            int[] partnerGroup = new int[groups];
            java.util.Arrays.fill(partnerGroup, -1);
            boolean[] used = new boolean[groups];
            for (int c = 0; c < n; c++) {
                int[] mem = m.members(c);
                assertEquals(2, mem.length);
                assertEquals(c, mem[0]);
                int j = c / ng;
                int g = (mem[1] - n) / ng;
                if (partnerGroup[j] < 0) {
                    assertTrue(!used[g], "B group used twice");
                    used[g] = true;
                    partnerGroup[j] = g;
                }
                assertEquals(partnerGroup[j], g, "A group " + j + " split over two B groups");
            }
        }
    }

    @Test
    void mergeMatrixIsNTimesUOverColumnSumPlusEps() {
        SplittableRandom rng = new SplittableRandom(26);
        for (int numModels = 2; numModels <= 3; numModels++) {
            int n = 7;
            int o = numModels * n;
            UnitMatch m = new ZipMatcher(0.5, 1.0, 0.6).match(ZipMatcherTest.randomSimilarity(rng, o, 0), numModels, n);
            int w = m.mergedWidth();
            assertEquals((int) Math.floor(o * 0.4 + 1e-4), w);
            double[] u = m.unmerge();
            double[] mm = m.merge();
            for (int c = 0; c < w; c++) {
                double colsum = 0;
                for (int r = 0; r < o; r++) {
                    colsum += u[r * w + c];
                }
                for (int r = 0; r < o; r++) {
                    assertEquals(numModels * (u[r * w + c] / (colsum + 1e-5)), mm[r * w + c], 0.0);
                }
            }
            for (int model = 0; model < numModels; model++) {
                double[] um = m.unmergeFor(model);
                double[] mmm = m.mergeFor(model);
                for (int k = 0; k < n * w; k++) {
                    assertEquals(u[model * n * w + k], um[k], 0.0);
                    assertEquals(mm[model * n * w + k], mmm[k], 0.0);
                }
            }
        }
        // alignment: M = 2U/(2+1e-5)
        UnitMatch a = new AlignMatcher().match(ZipMatcherTest.randomSimilarity(rng, 8, 0), 2, 4);
        assertEquals(2 * (1 / (2 + 1e-5)), a.mergeWeight(0), 0.0);
    }

    @Test
    void unitMatchRejectsInconsistentInput() {
        assertThrows(IllegalArgumentException.class, () -> new UnitMatch(2, 2, new int[] {0, 1, 0}, 2, 0));
        assertThrows(IllegalArgumentException.class, () -> new UnitMatch(2, 2, new int[] {0, 0, 0, 0}, 2, 0));
        assertThrows(IllegalArgumentException.class, () -> new UnitMatch(2, 2, new int[] {0, 1, 2, 0}, 2, 0));
        assertThrows(IllegalArgumentException.class, () -> new GroupAlignMatcher(3).match(new double[64], 2, 4));
    }
}

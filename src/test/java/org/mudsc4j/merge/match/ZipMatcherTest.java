package org.mudsc4j.merge.match;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ZipMatcherTest {

    /** Random O×O similarity; kind 0 continuous, 1 coarse values (many ties), 2 symmetric coarse. */
    static double[] randomSimilarity(SplittableRandom rng, int o, int kind) {
        double[] s = new double[o * o];
        for (int x = 0; x < o; x++) {
            for (int y = 0; y < o; y++) {
                double v = kind == 0 ? rng.nextDouble() * 2 - 1 : (rng.nextInt(5) - 2) * 0.5;
                s[x * o + y] = v;
            }
        }
        if (kind == 2) {
            for (int x = 0; x < o; x++) {
                for (int y = 0; y < x; y++) {
                    s[x * o + y] = s[y * o + x];
                }
            }
        }
        return s;
    }

    @Test
    void equalsLiteralAlgorithmOnRandomMatricesWithTies() {
        SplittableRandom rng = new SplittableRandom(11);
        int checked = 0;
        for (int trial = 0; trial < 600; trial++) {
            int numModels = trial % 5 == 0 ? 3 : 2;
            int n = 1 + rng.nextInt(9);
            int o = numModels * n;
            double[] s = randomSimilarity(rng, o, trial % 3);
            double alpha = trial % 4 == 0 ? 0.3 : 0.5;
            double beta = new double[] {1.0, 0.5, 0.2, 0.0}[trial % 4];
            double r = trial % 7 == 0 ? 0.3 : 1.0 - 1.0 / numModels;
            LiteralZip.Result expected;
            try {
                expected = LiteralZip.run(s, numModels, n, alpha, beta, r, 0, 1);
            } catch (IllegalStateException e) {
                assertThrows(IllegalStateException.class, () -> new ZipMatcher(alpha, beta, r).match(s, numModels, n));
                continue;
            }
            UnitMatch got = new ZipMatcher(alpha, beta, r).match(s, numModels, n);
            assertArrayEquals(expected.columnOf, got.columnMap(), "trial " + trial);
            assertEquals(expected.value, got.value(), 0.0, "trial " + trial);
            checked++;
        }
        assertEquals(true, checked > 400, "too few comparable trials: " + checked);
    }

    @Test
    void identicalModelsArePairedUnitByUnit() {
        SplittableRandom rng = new SplittableRandom(12);
        int n = 24;
        double[] s = MatcherTest.duplicatedCorrelation(rng, n, 2);
        UnitMatch m = new ZipMatcher().match(s, 2, n);
        for (int k = 0; k < n; k++) {
            assertArrayEquals(new int[] {k, n + k}, m.members(m.columnOf(0, k)));
        }
        assertEquals(n, m.mergedWidth());
    }

    @Test
    void doesNotModifyInputAndRejectsNaN() {
        SplittableRandom rng = new SplittableRandom(13);
        double[] s = randomSimilarity(rng, 8, 0);
        double[] copy = s.clone();
        new ZipMatcher().match(s, 2, 4);
        assertArrayEquals(copy, s);
        s[5] = Double.NaN;
        assertThrows(IllegalArgumentException.class, () -> new ZipMatcher().match(s, 2, 4));
        assertThrows(IllegalArgumentException.class, () -> new ZipMatcher().match(new double[10], 2, 4));
        assertThrows(IllegalArgumentException.class, () -> new ZipMatcher(0.0, 1.0));
    }

    @Test
    void groupZipEqualsLiteralMaskedAlgorithm() {
        SplittableRandom rng = new SplittableRandom(14);
        int checked = 0;
        for (int trial = 0; trial < 300; trial++) {
            int numModels = trial % 6 == 0 ? 3 : 2;
            int groups = 1 + rng.nextInt(4);
            int ng = 1 + rng.nextInt(4);
            int n = groups * ng;
            int o = numModels * n;
            double[] s = randomSimilarity(rng, o, trial % 3);
            double beta = new double[] {1.0, 0.5, 0.25}[trial % 3];
            double gBeta = trial % 2 == 0 ? 1.0 : 0.5;
            double r = 1.0 - 1.0 / numModels;
            LiteralZip.Result expected;
            try {
                expected = LiteralZip.run(s, numModels, n, 0.5, beta, r, groups, gBeta);
            } catch (IllegalStateException e) {
                assertThrows(IllegalStateException.class,
                        () -> new GroupZipMatcher(groups, 0.5, beta, gBeta, r).match(s, numModels, n));
                continue;
            }
            UnitMatch got = new GroupZipMatcher(groups, 0.5, beta, gBeta, r).match(s, numModels, n);
            assertArrayEquals(expected.columnOf, got.columnMap(), "trial " + trial);
            assertEquals(expected.value, got.value(), 0.0, "trial " + trial);
            checked++;
        }
        assertEquals(true, checked > 200, "too few comparable trials: " + checked);
    }

    @Test
    void groupZipBlocksAreOneAnchorGroupPlusOneOtherGroupAndContiguous() {
        SplittableRandom rng = new SplittableRandom(15);
        for (int trial = 0; trial < 40; trial++) {
            int groups = 2 + rng.nextInt(5);
            int ng = 2 + rng.nextInt(6);
            int n = groups * ng;
            double[] s = randomSimilarity(rng, 2 * n, trial % 3);
            UnitMatch m = new GroupZipMatcher(groups).match(s, 2, n);
            assertEquals(n, m.mergedWidth());
            boolean[] bGroupUsed = new boolean[groups];
            for (int j = 0; j < groups; j++) {
                int bGroup = -1;
                int memberCount = 0;
                for (int c = j * ng; c < (j + 1) * ng; c++) {
                    for (int u : m.members(c)) {
                        memberCount++;
                        if (u < n) {
                            assertEquals(j, u / ng, "anchor unit from a foreign group in merged group " + j);
                        } else {
                            int g = (u - n) / ng;
                            if (bGroup < 0) {
                                bGroup = g;
                            }
                            assertEquals(bGroup, g, "merged group " + j + " mixes two B groups");
                        }
                    }
                }
                // the block holds exactly the 2·n_g units of its two groups (A group j and B group bGroup)
                assertEquals(2 * ng, memberCount);
                if (bGroup >= 0) {
                    assertEquals(false, bGroupUsed[bGroup]);
                    bGroupUsed[bGroup] = true;
                }
            }
        }
    }

    @Test
    void zipAtN512IsReasonablyFast() {
        SplittableRandom rng = new SplittableRandom(16);
        int n = 512;
        double[] s = MatcherTest.randomCorrelation(rng, 2 * n, 64);
        ZipMatcher zip = new ZipMatcher();
        zip.match(s, 2, n); // warm-up
        long t0 = System.nanoTime();
        UnitMatch m = zip.match(s, 2, n);
        double ms = (System.nanoTime() - t0) / 1e6;
        org.slf4j.LoggerFactory.getLogger(ZipMatcherTest.class).info("zip n=512 (O=1024): {} ms", String.format("%.1f", ms));
        assertEquals(n, m.mergedWidth());
    }
}

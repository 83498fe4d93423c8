package org.mudsc4j.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mudsc4j.eval.Accuracies;
import org.mudsc4j.merge.MergeMethod;
import org.mudsc4j.sweep.PairResult;

class PairedDifferenceTest {

    private static List<Accuracies> joints(double... values) {
        List<Accuracies> out = new ArrayList<>();
        for (double v : values) {
            out.add(Accuracies.of(v, 0.5, 0.5));
        }
        return out;
    }

    @Test
    void studentIntervalOfKnownDifferences() {
        // differences 1, 2, 3 points: mean 2, sd 1, t(0.975, 2) = 4.302653
        PairedDifference d = PairedDifference.of("ZipIt!", joints(0.31, 0.52, 0.43), joints(0.30, 0.50, 0.40),
                Accuracies::joint);
        double half = 4.302653 / Math.sqrt(3);
        assertEquals(2.0, d.mean(), 1e-9);
        assertEquals(2.0 - half, d.low(), 1e-5);
        assertEquals(2.0 + half, d.high(), 1e-5);
        assertFalse(d.excludesZero(), "[-0.48, 4.48] contains 0");
        assertEquals("+2.00 [-0.48, +4.48]", d.toString());
    }

    /** Pairing removes what both methods share: a per-pair offset on both sides changes nothing. */
    @Test
    void aSharedPerPairEffectCancels() {
        SplittableRandom rng = new SplittableRandom(3);
        double[] a = new double[6];
        double[] b = new double[6];
        double[] a2 = new double[6];
        double[] b2 = new double[6];
        for (int i = 0; i < 6; i++) {
            b[i] = 0.3 + 0.1 * rng.nextDouble();
            a[i] = b[i] + 0.02 + 0.005 * rng.nextDouble();
            double pairEffect = 0.3 * rng.nextDouble(); // large spread between pairs
            a2[i] = a[i] + pairEffect;
            b2[i] = b[i] + pairEffect;
        }
        PairedDifference d = PairedDifference.of("x", joints(a), joints(b), Accuracies::joint);
        PairedDifference d2 = PairedDifference.of("x", joints(a2), joints(b2), Accuracies::joint);
        assertEquals(d.mean(), d2.mean(), 1e-9);
        assertEquals(d.low(), d2.low(), 1e-9);
        assertEquals(d.high(), d2.high(), 1e-9);
        assertTrue(d2.excludesZero(), "a consistent 2-2.5 point gain is detected despite the pair spread");
        assertTrue(d2.toString().endsWith("*"));
    }

    @Test
    void onePairHasNoIntervalAndMismatchedPairsAreRejected() {
        PairedDifference d = PairedDifference.of("x", joints(0.5), joints(0.4), Accuracies::joint);
        assertEquals(10.0, d.mean(), 1e-9);
        assertTrue(Double.isNaN(d.low()) && Double.isNaN(d.high()));
        assertFalse(d.excludesZero());
        assertEquals("+10.00", d.toString());
        assertThrows(IllegalArgumentException.class,
                () -> PairedDifference.of("x", joints(0.5, 0.6), joints(0.4), Accuracies::joint));
    }

    private static PairResult.MethodResult method(String id, double joint) {
        return new PairResult.MethodResult(id, Accuracies.of(joint, 0.6, 0.4), Double.NaN, 0, List.of(), Map.of());
    }

    /**
     * Each method is compared with the best other non-MuDSC method of its family, chosen per column by mean; the
     * weight average (no family) gets no row.
     */
    @Test
    void comparatorIsTheBestOtherBaselineOfTheFamily() {
        Accuracies base = Accuracies.of(0.4, 0.9, 0.1);
        List<PairResult> results = new ArrayList<>();
        for (int run = 0; run < 3; run++) {
            double s = 0.01 * run;
            results.add(new PairResult(run, "p" + run, base, base, base, List.of(method("avg", 0.1 + s),
                    method("rebasin", 0.2 + s), method("act-align", 0.3 + s), method("mudsc-align", 0.35 + s),
                    method("zipit", 0.5 + s), method("weight-zip", 0.45 + s), method("mudsc-zip", 0.4 + s))));
        }
        Map<MergeMethod, List<PairedDifference>> d = ExperimentReport.differences(results);
        assertFalse(d.containsKey(MergeMethod.AVG));
        assertEquals("A. Align", d.get(MergeMethod.MUDSC_ALIGN).get(0).comparator());
        assertEquals(5.0, d.get(MergeMethod.MUDSC_ALIGN).get(0).mean(), 1e-9);
        assertEquals("Git Re-Basin", d.get(MergeMethod.ACT_ALIGN).get(0).comparator());
        assertEquals("A. Align", d.get(MergeMethod.REBASIN).get(0).comparator());
        assertEquals("ZipIt!", d.get(MergeMethod.MUDSC_ZIP).get(0).comparator());
        assertEquals(-10.0, d.get(MergeMethod.MUDSC_ZIP).get(0).mean(), 1e-9);
        assertTrue(d.get(MergeMethod.MUDSC_ZIP).get(0).excludesZero(), "identical -10 on every pair");
        assertEquals("W. Zip", d.get(MergeMethod.ZIPIT).get(0).comparator());
        String csv = ExperimentReport.differencesCsv(d);
        assertTrue(csv.startsWith("method,column,comparator,pairs,mean_diff,ci95_low,ci95_high,excludes_zero\n"));
        assertTrue(csv.contains("\nmudsc-zip,joint,ZipIt!,3,-10.0000,-10.0000,-10.0000,true\n"), csv);
    }
}

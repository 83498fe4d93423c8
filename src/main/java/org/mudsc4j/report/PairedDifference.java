package org.mudsc4j.report;

import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.apache.commons.math3.distribution.TDistribution;
import org.mudsc4j.eval.Accuracies;

/**
 * The paired difference of one method to a comparator on one accuracy column, in percentage points, over the pairs
 * both merged: mean of the per-pair differences and its two-sided 95 % Student-t interval
 * ({@code mean ± t(0.975, n−1)·sd/√n}).
 *
 * <p>Why paired: every method merges the same task models, so most of the pair-to-pair spread (how good the two task
 * models are, how alike their tasks) is shared; the per-pair difference removes it, and its interval is far narrower
 * than the two methods' own standard deviations suggest. Why t and not a bootstrap: with five pairs a bootstrap
 * has only 126 distinct resamples and under-covers; the t interval is exact for normal differences and the usual
 * choice at this n. With a single pair there is no interval ({@code low}/{@code high} are NaN).
 *
 * @param comparator row label of the method compared with
 */
public record PairedDifference(String comparator, double mean, double low, double high, int pairs) {
    /** Two-sided confidence level of the interval. */
    public static final double LEVEL = 0.95;

    /**
     * @param method     the method's accuracies per pair
     * @param other      the comparator's accuracies on the same pairs, in the same order
     * @param column     the accuracy column (fraction); differences are reported in points
     */
    public static PairedDifference of(String comparator, List<Accuracies> method, List<Accuracies> other,
                                      ToDoubleFunction<Accuracies> column) {
        int n = method.size();
        if (n == 0 || other.size() != n) {
            throw new IllegalArgumentException("paired difference to " + comparator + " needs the same non-zero number"
                    + " of pairs on both sides, got " + n + " and " + other.size());
        }
        double[] d = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            d[i] = 100 * (column.applyAsDouble(method.get(i)) - column.applyAsDouble(other.get(i)));
            sum += d[i];
        }
        double mean = sum / n;
        if (n < 2) {
            return new PairedDifference(comparator, mean, Double.NaN, Double.NaN, n);
        }
        double ss = 0;
        for (double v : d) {
            ss += (v - mean) * (v - mean);
        }
        double halfWidth = new TDistribution(n - 1).inverseCumulativeProbability(0.5 + LEVEL / 2)
                * Math.sqrt(ss / (n - 1) / n);
        return new PairedDifference(comparator, mean, mean - halfWidth, mean + halfWidth, n);
    }

    /** Whether the interval lies wholly on one side of zero (never with a single pair). */
    public boolean excludesZero() {
        return pairs >= 2 && (low > 0 || high < 0);
    }

    /** E.g. {@code +1.23 [-0.50, +2.96]}, with {@code *} appended when the interval excludes zero. */
    @Override
    public String toString() {
        if (pairs < 2) {
            return String.format(Locale.ROOT, "%+.2f", mean);
        }
        return String.format(Locale.ROOT, "%+.2f [%+.2f, %+.2f]%s", mean, low, high, excludesZero() ? "*" : "");
    }
}

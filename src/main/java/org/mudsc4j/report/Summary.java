package org.mudsc4j.report;

import java.util.List;
import java.util.function.ToDoubleFunction;
import org.mudsc4j.eval.Accuracies;

/** Mean and sample standard deviation (n − 1; 0 for a single value) of one accuracy column over pairs, in percent. */
public record Summary(double mean, double std, int count) {

    public static Summary of(List<Accuracies> values, ToDoubleFunction<Accuracies> column) {
        int n = values.size();
        if (n == 0) {
            throw new IllegalArgumentException("no values to summarise");
        }
        double sum = 0;
        for (Accuracies a : values) {
            sum += 100 * column.applyAsDouble(a);
        }
        double mean = sum / n;
        double ss = 0;
        for (Accuracies a : values) {
            double d = 100 * column.applyAsDouble(a) - mean;
            ss += d * d;
        }
        return new Summary(mean, n > 1 ? Math.sqrt(ss / (n - 1)) : 0.0, n);
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%.2f ± %.2f", mean, std);
    }
}

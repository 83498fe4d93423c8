package org.mudsc4j.dl4j;

/**
 * DL4J's BatchNormalization stores the running variance as {@code log10(sqrt(var + eps))} ({@code useLogStd = true},
 * the default) where PyTorch and the reference store {@code var}. Every conversion in the project goes through here.
 * Verified against DL4J's inference output in {@code BatchNormReestimatorTest}.
 */
public final class BatchNormStorage {
    private BatchNormStorage() {
    }

    /** Running variance from DL4J's stored value. */
    public static double variance(double log10Std, double eps) {
        return Math.pow(10.0, 2.0 * log10Std) - eps;
    }

    /** DL4J's stored value from a running variance (a variance below 0 from rounding counts as 0). */
    public static double log10Std(double variance, double eps) {
        return Math.log10(Math.sqrt(Math.max(variance, 0.0) + eps));
    }
}

package org.mudsc4j.merge.similarity;

/** Turns first and second moments into the reference's Pearson matrix (ALGORITHM §4.2 / §5.3). */
final class Pearson {
    /** The reference clamps σ_u·σ_v from below by this value. */
    static final double DENOMINATOR_FLOOR = 1e-7;

    private Pearson() {
    }

    /**
     * @param secondMoment upper triangle (row-major o×o, j ≥ i) of E[x xᵀ]; the lower triangle is ignored
     * @param mean         E[x]
     * @return o×o {@code C = Cov / max(σσᵀ, 1e-7)} with {@code Cov = E − μμᵀ}, {@code σ = sqrt(max(diag Cov, 0))};
     *         units with zero variance ("dead") get an all-zero row and column, diagonal included
     */
    static double[] fromMoments(double[] secondMoment, double[] mean, int o) {
        double[] sigma = new double[o];
        for (int i = 0; i < o; i++) {
            double var = secondMoment[i * o + i] - mean[i] * mean[i];
            sigma[i] = Math.sqrt(Math.max(var, 0.0));
        }
        double[] c = new double[o * o];
        for (int i = 0; i < o; i++) {
            if (sigma[i] == 0) {
                continue; // dead unit: row (and, by symmetry, column) stays 0
            }
            for (int j = i; j < o; j++) {
                if (sigma[j] == 0) {
                    continue;
                }
                double cov = secondMoment[i * o + j] - mean[i] * mean[j];
                double v = cov / Math.max(sigma[i] * sigma[j], DENOMINATOR_FLOOR);
                c[i * o + j] = v;
                c[j * o + i] = v;
            }
        }
        return c;
    }
}

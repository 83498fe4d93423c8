package org.mudsc4j.merge.similarity;

/**
 * Weight-space similarity (ALGORITHM §5.3, "_correlation"): Pearson correlation between the O unit weight vectors of
 * one permutation group, each centred over its own D entries, population normalisation,
 * {@code C = (F·Fᵀ/D − μμᵀ) / max(σσᵀ, 1e-7)}. NaN entries count as 0; constant vectors give zero rows/columns.
 */
public final class WeightCorrelation {

    private WeightCorrelation() {
    }

    /**
     * @param vectors row-major {@code units × dim}: the stacked per-unit vectors of all models, model-major
     * @return row-major units×units correlation
     */
    public static double[] correlation(double[] vectors, int units, int dim) {
        if (vectors == null || units < 1 || dim < 1 || (long) units * dim != vectors.length) {
            throw new IllegalArgumentException("vectors must hold units*dim = " + units + "*" + dim + " values, found "
                    + (vectors == null ? "null" : vectors.length));
        }
        for (int k = 0; k < vectors.length; k++) {
            if (Double.isInfinite(vectors[k])) {
                throw new IllegalArgumentException("weight vector " + (k / dim) + " has an infinite entry at " + (k % dim));
            }
        }
        GramAccumulator acc = new GramAccumulator(units);
        int step = acc.chunkSamples();
        for (int s0 = 0; s0 < dim; s0 += step) {
            int k = Math.min(step, dim - s0);
            acc.stage(vectors, 0, units, dim, s0, k, 0);
            acc.multiply(k);
        }
        double[] gram = acc.gram();
        double[] rowSum = acc.rowSum();
        double[] mean = new double[units];
        for (int i = 0; i < units; i++) {
            mean[i] = rowSum[i] / dim;
            for (int j = i; j < units; j++) {
                gram[i * units + j] /= dim;
            }
        }
        return Pearson.fromMoments(gram, mean, units);
    }
}

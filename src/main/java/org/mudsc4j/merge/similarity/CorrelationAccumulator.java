package org.mudsc4j.merge.similarity;

import java.util.stream.IntStream;

/**
 * Streaming activation correlation of one permutation group across N models (ALGORITHM §4.2, "CovarianceMetric").
 *
 * <p>Per batch the caller passes, for each model, the hooked features as a channel-major {@code n × S} block (S =
 * samples: every spatial position or token of every image) and the number of images B. With F the stacked
 * {@code O × S} features (non-finite values replaced by 0) the accumulator adds {@code B·mean_b(F)} and
 * {@code B·F·Fᵀ/S} and counts B. {@link #correlation()} then gives the O×O Pearson matrix of the batch-weighted
 * moments. All arithmetic is in double precision.
 *
 * <p>Cost: one double symmetric rank-k update of {@code O²·S/2} multiply-adds per batch ({@link GramAccumulator}).
 * Memory: two O×O double buffers and a 2 MiB native staging chunk. Not thread-safe; the product uses OpenBLAS's
 * threads.
 */
public final class CorrelationAccumulator {
    private final int numModels;
    private final int unitsPerModel;
    private final int o;
    private final double[] sumMean;
    private final double[] sumSecond;
    private final GramAccumulator batch;
    private long count;

    public CorrelationAccumulator(int numModels, int unitsPerModel) {
        if (numModels < 1 || unitsPerModel < 1) {
            throw new IllegalArgumentException("need numModels, unitsPerModel >= 1, got " + numModels + ", "
                    + unitsPerModel);
        }
        this.numModels = numModels;
        this.unitsPerModel = unitsPerModel;
        this.o = Math.multiplyExact(numModels, unitsPerModel);
        sumMean = new double[o];
        sumSecond = new double[Math.multiplyExact(o, o)];
        batch = new GramAccumulator(o);
    }

    /** O = numModels·unitsPerModel. */
    public int size() {
        return o;
    }

    /** Total images accumulated so far (the reference's {@code count}). */
    public long imageCount() {
        return count;
    }

    /**
     * Adds one batch.
     *
     * @param features features[m] = model m's {@code unitsPerModel × samples} block, channel-major
     * @param samples  S, samples per unit in this batch (≥ 1)
     * @param images   B, images in this batch (the moment weight, ≥ 1)
     */
    public void accumulate(float[][] features, int samples, int images) {
        checkBatch(features == null ? -1 : features.length, samples, images);
        for (int m = 0; m < numModels; m++) {
            checkBlock(m, features[m] == null ? -1 : features[m].length, samples);
        }
        accumulate(features, 0, samples, images);
    }

    /**
     * Adds one batch whose features are rows {@code [firstRow, firstRow + unitsPerModel)} of larger channel-major
     * blocks (a group's channels within a hooked tensor): no copy of the group's slice is needed.
     *
     * @param features features[m] = model m's channel-major rows of {@code samples} values each
     */
    public void accumulate(float[][] features, int firstRow, int samples, int images) {
        checkBatch(features == null ? -1 : features.length, samples, images);
        for (int m = 0; m < numModels; m++) {
            long needed = (long) (firstRow + unitsPerModel) * samples;
            if (firstRow < 0 || features[m] == null || features[m].length < needed
                    || features[m].length % samples != 0) {
                throw new IllegalArgumentException("features of model " + m + " have "
                        + (features[m] == null ? "no" : features[m].length) + " values; expected rows of " + samples
                        + " samples covering rows [" + firstRow + ", " + (firstRow + unitsPerModel) + ")");
            }
        }
        batch.reset();
        int step = batch.chunkSamples();
        for (int s0 = 0; s0 < samples; s0 += step) {
            int k = Math.min(step, samples - s0);
            int from = s0;
            // each model fills its own rows of the chunk: one core per model
            IntStream.range(0, numModels).parallel().forEach(m ->
                    batch.stage(features[m], firstRow, unitsPerModel, samples, from, k, m * unitsPerModel));
            batch.multiply(k);
        }
        endBatch(samples, images);
    }

    /** Double-precision input variant of {@link #accumulate(float[][], int, int)}. */
    public void accumulate(double[][] features, int samples, int images) {
        checkBatch(features == null ? -1 : features.length, samples, images);
        for (int m = 0; m < numModels; m++) {
            checkBlock(m, features[m] == null ? -1 : features[m].length, samples);
        }
        batch.reset();
        int step = batch.chunkSamples();
        for (int s0 = 0; s0 < samples; s0 += step) {
            int k = Math.min(step, samples - s0);
            for (int m = 0; m < numModels; m++) {
                batch.stage(features[m], 0, unitsPerModel, samples, s0, k, m * unitsPerModel);
            }
            batch.multiply(k);
        }
        endBatch(samples, images);
    }

    /**
     * The O×O Pearson correlation of everything accumulated: {@code μ = Σμ/count}, {@code E = ΣE/count},
     * {@code C = (E − μμᵀ) / max(σσᵀ, 1e-7)}; dead units give zero rows and columns.
     *
     * @throws IllegalStateException if no batch was accumulated
     */
    public double[] correlation() {
        if (count == 0) {
            throw new IllegalStateException("no batch accumulated");
        }
        double[] mean = new double[o];
        for (int i = 0; i < o; i++) {
            mean[i] = sumMean[i] / count;
        }
        double[] second = new double[o * o];
        for (int i = 0; i < o; i++) {
            for (int j = i; j < o; j++) {
                second[i * o + j] = sumSecond[i * o + j] / count;
            }
        }
        return Pearson.fromMoments(second, mean, o);
    }

    private void endBatch(int samples, int images) {
        // Reference weighting: Σμ += B·(rowsum/S), ΣE += B·(F·Fᵀ/S).
        double[] rowSum = batch.rowSum();
        double[] gram = batch.gram();
        for (int i = 0; i < o; i++) {
            sumMean[i] += images * (rowSum[i] / samples);
            int row = i * o;
            for (int j = i; j < o; j++) {
                sumSecond[row + j] += images * (gram[row + j] / samples);
            }
        }
        count += images;
    }

    private void checkBatch(int models, int samples, int images) {
        if (models != numModels) {
            throw new IllegalArgumentException("expected feature blocks for " + numModels + " models, found " + models);
        }
        if (samples < 1 || images < 1) {
            throw new IllegalArgumentException("samples and images must be >= 1, got " + samples + ", " + images);
        }
    }

    private void checkBlock(int model, int length, int samples) {
        long expected = (long) unitsPerModel * samples;
        if (length != expected) {
            throw new IllegalArgumentException("features of model " + model + " have " + length
                    + " values, expected units*samples = " + unitsPerModel + "*" + samples + " = " + expected);
        }
    }
}

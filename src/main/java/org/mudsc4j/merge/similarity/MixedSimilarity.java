package org.mudsc4j.merge.similarity;

/**
 * MuDSC's balanced similarity (ALGORITHM §6.3): {@code S = α·C_weight + (1−α)·C_act}, no normalisation of either.
 * α (the paper's balanced factor, {@code fix_rate}) weights the weight-space similarity.
 */
public final class MixedSimilarity {

    private MixedSimilarity() {
    }

    /** Element-wise {@code α·weight + (1−α)·activation}; inputs unchanged, α ∈ [0, 1], equal lengths. */
    public static double[] mix(double alpha, double[] weight, double[] activation) {
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha must lie in [0, 1], got " + alpha);
        }
        if (weight == null || activation == null || weight.length != activation.length) {
            throw new IllegalArgumentException("similarity matrices must have equal length, got "
                    + (weight == null ? "null" : weight.length) + " and "
                    + (activation == null ? "null" : activation.length));
        }
        double beta = 1 - alpha;
        double[] out = new double[weight.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = alpha * weight[k] + beta * activation[k];
        }
        return out;
    }
}

package org.mudsc4j.merge.match;

/**
 * ZipIt greedy zip as used by MuDSC (ALGORITHM §7.2): repeatedly merge the most similar pair of current clusters,
 * across or within models, until {@code K = floor(O(1−r) + 1e-4)} clusters remain.
 *
 * <ul>
 *   <li>self-similarity is −inf; the pair is the first-occurrence row-major argmax; the cluster keeps the lower index
 *       and its model owner;</li>
 *   <li>row/column of the merged cluster become {@code α_z · min(·,·)} of the two (a multiplication, which raises
 *       negative values);</li>
 *   <li>within-model merges spend a per-model budget {@code floor(((O−K) div N)·β + 1e-4)}; when it reaches ≤ 0 every
 *       pair of clusters owned by that model is forbidden;</li>
 *   <li>merged units are the surviving clusters in ascending index order; value = mean of the selected maxima.</li>
 * </ul>
 */
public final class ZipMatcher implements Matcher {
    /** MuDSC's {@code a}. */
    public static final double DEFAULT_ALPHA = 0.5;
    /** MuDSC's {@code b}. */
    public static final double DEFAULT_BETA = 1.0;

    private final double alpha;
    private final double beta;
    private final Double reduction;

    /** α_z = 0.5, β_z = 1, r = 1 − 1/N (so n' = n). */
    public ZipMatcher() {
        this(DEFAULT_ALPHA, DEFAULT_BETA);
    }

    /** Given α_z and β_z, with r = 1 − 1/N. */
    public ZipMatcher(double alpha, double beta) {
        this(alpha, beta, null);
    }

    /** Fully explicit; {@code reduction} r ∈ [0, 1). */
    public ZipMatcher(double alpha, double beta, double reduction) {
        this(alpha, beta, Double.valueOf(reduction));
    }

    private ZipMatcher(double alpha, double beta, Double reduction) {
        this.alpha = checkAlpha(alpha);
        this.beta = checkBeta(beta);
        this.reduction = reduction == null ? null : checkReduction(reduction);
    }

    @Override
    public UnitMatch match(double[] similarity, int numModels, int unitsPerModel) {
        MatchInputs.check(similarity, numModels, unitsPerModel);
        int o = numModels * unitsPerModel;
        double r = reduction != null ? reduction : 1.0 - 1.0 / numModels;
        int k = (int) Math.floor(o * (1 - r) + 1e-4);
        if (k < 1 || k > o) {
            throw new IllegalArgumentException("reduction " + r + " gives target width " + k + " for O = " + o);
        }
        int toRemove = o - k;
        ZipBudgets budgets = new ZipBudgets(numModels, modelBudget(toRemove, numModels, beta), 0, 0);
        int[] owner = new int[o];
        for (int u = 0; u < o; u++) {
            owner[u] = u / unitsPerModel;
        }
        GreedyZip zip = new GreedyZip(similarity.clone(), o, owner, null, alpha, budgets);
        zip.run(toRemove);
        int[] survivors = zip.survivors();
        int[] columnOf = new int[o];
        for (int c = 0; c < survivors.length; c++) {
            for (int u : zip.members(survivors[c])) {
                columnOf[u] = c;
            }
        }
        return new UnitMatch(numModels, unitsPerModel, columnOf, k, budgets.meanSelected());
    }

    /** {@code floor(((O−K) div N)·β + 1e-4)}, integer division first as in the reference. */
    static int modelBudget(int toRemove, int numModels, double beta) {
        return (int) Math.floor((toRemove / numModels) * beta + 1e-4);
    }

    static double checkAlpha(double alpha) {
        // The reference's a <= 0 branch (forbid instead of decay) is unused by MuDSC and not reproduced.
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("zip alpha must be finite and > 0, got " + alpha);
        }
        return alpha;
    }

    static double checkBeta(double beta) {
        if (!(beta >= 0) || Double.isInfinite(beta)) {
            throw new IllegalArgumentException("zip beta must be finite and >= 0, got " + beta);
        }
        return beta;
    }

    static double checkReduction(double r) {
        if (!(r >= 0 && r < 1)) {
            throw new IllegalArgumentException("reduction r must lie in [0, 1), got " + r);
        }
        return r;
    }
}

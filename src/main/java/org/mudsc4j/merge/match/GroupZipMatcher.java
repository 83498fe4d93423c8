package org.mudsc4j.merge.match;

/**
 * Group zip (ALGORITHM §8.2) for layers whose n units form g contiguous groups.
 *
 * <ol>
 *   <li>Group pairing: anchor group j is paired with group {@code c_i(j)} of every other model i by block Hungarian
 *       ({@link GroupPairing}); merged group j = {0:j, 1:c_1(j), …}. Group ids run over 0..N·g−1 (model-major).</li>
 *   <li>For j = 0..g−1 in order, {@code N·n_g − K_g} greedy zip steps restricted to the units of merged group j, with
 *       {@code K_g = floor(N·n_g(1−r) + 1e-4)}. The reference restricts by adding a −inf mask to the full matrix; since
 *       a merge only rewrites the row/column of the merged cluster, entries between units of later groups are touched
 *       only by model-budget kills, so running each pair on its own sub-matrix (re-applying earlier kills) is
 *       equivalent. Budgets: per model {@code floor(((O−K) div N)·β + 1e-4)} shared over all pairs, per original group
 *       {@code floor((O−K)·β_g div (N·g) + 1e-4)}; exhaustion forbids all pairs of that owner.</li>
 *   <li>Merged columns are reordered: for j = 0..g−1, the surviving clusters owned by group j of model 0, then those
 *       owned by {@code c_1(j)} of model 1, …; each in ascending index order. Merged groups are thus contiguous and in
 *       the anchor's group order.</li>
 * </ol>
 * value = mean of all greedily selected similarities.
 */
public final class GroupZipMatcher implements Matcher {
    private final int groups;
    private final double alpha;
    private final double beta;
    private final double groupBeta;
    private final Double reduction;

    /** α_z = 0.5, β = 1, group budget factor 1, r = 1 − 1/N. */
    public GroupZipMatcher(int groups) {
        this(groups, ZipMatcher.DEFAULT_ALPHA, ZipMatcher.DEFAULT_BETA, 1.0, null);
    }

    /** Fully explicit; {@code reduction} r ∈ [0, 1). */
    public GroupZipMatcher(int groups, double alpha, double beta, double groupBeta, double reduction) {
        this(groups, alpha, beta, groupBeta, Double.valueOf(reduction));
    }

    private GroupZipMatcher(int groups, double alpha, double beta, double groupBeta, Double reduction) {
        if (groups < 1) {
            throw new IllegalArgumentException("group count must be >= 1, got " + groups);
        }
        this.groups = groups;
        this.alpha = ZipMatcher.checkAlpha(alpha);
        this.beta = ZipMatcher.checkBeta(beta);
        this.groupBeta = ZipMatcher.checkBeta(groupBeta);
        this.reduction = reduction == null ? null : ZipMatcher.checkReduction(reduction);
    }

    @Override
    public UnitMatch match(double[] similarity, int numModels, int unitsPerModel) {
        MatchInputs.check(similarity, numModels, unitsPerModel);
        GroupPairing.checkGroups(unitsPerModel, groups);
        final int n = unitsPerModel;
        final int o = numModels * n;
        final int ng = n / groups;
        final int totalGroups = numModels * groups;
        double r = reduction != null ? reduction : 1.0 - 1.0 / numModels;
        int kg = (int) Math.floor(ng * numModels * (1 - r) + 1e-4);
        if (kg < 1) {
            throw new IllegalArgumentException("reduction " + r + " leaves no merged unit per group (n_g = " + ng + ")");
        }
        int k = groups * kg;
        int toRemove = o - k;
        int groupBudget = (int) Math.floor(Math.floor(toRemove * groupBeta / totalGroups) + 1e-4);
        ZipBudgets budgets = new ZipBudgets(numModels, ZipMatcher.modelBudget(toRemove, numModels, beta),
                totalGroups, groupBudget);

        // mergedGroup[j] = ascending group ids (model i's group is offset by i·g) forming merged group j.
        int[][] mergedGroup = new int[groups][numModels];
        for (int j = 0; j < groups; j++) {
            mergedGroup[j][0] = j;
        }
        for (int model = 1; model < numModels; model++) {
            int[] c = GroupPairing.compute(similarity, o, model, n, groups).partnerGroup;
            for (int j = 0; j < groups; j++) {
                mergedGroup[j][model] = model * groups + c[j];
            }
        }

        int[] columnOf = new int[o];
        int nextColumn = 0;
        int pairSize = numModels * ng;
        int[] units = new int[pairSize];
        int[] model = new int[pairSize];
        int[] group = new int[pairSize];
        for (int j = 0; j < groups; j++) {
            int t = 0;
            for (int gid : mergedGroup[j]) { // ascending gids → ascending unit indices, as in the full matrix
                for (int q = 0; q < ng; q++) {
                    units[t] = gid * ng + q;
                    model[t] = gid / groups;
                    group[t] = gid;
                    t++;
                }
            }
            double[] sub = new double[pairSize * pairSize];
            for (int a = 0; a < pairSize; a++) {
                int rowBase = units[a] * o;
                for (int b = 0; b < pairSize; b++) {
                    sub[a * pairSize + b] = similarity[rowBase + units[b]];
                }
            }
            GreedyZip zip = new GreedyZip(sub, pairSize, model, group, alpha, budgets);
            for (int mdl = 0; mdl < numModels; mdl++) {
                if (budgets.modelKilled(mdl)) {
                    zip.forbidModelPairs(mdl);
                }
            }
            zip.run(pairSize - kg);
            // Survivors owned by the pair's groups in pair order; ascending indices within each group.
            int[] survivors = zip.survivors();
            for (int gid : mergedGroup[j]) {
                for (int col : survivors) {
                    if (group[col] == gid) {
                        for (int member : zip.members(col)) {
                            columnOf[units[member]] = nextColumn;
                        }
                        nextColumn++;
                    }
                }
            }
        }
        if (nextColumn != k) {
            throw new IllegalStateException("group zip produced " + nextColumn + " columns, expected " + k);
        }
        return new UnitMatch(numModels, n, columnOf, k, budgets.meanSelected());
    }

    @Override
    public String toString() {
        return "GroupZipMatcher{groups=" + groups + ", alpha=" + alpha + ", beta=" + beta + ", groupBeta=" + groupBeta
                + ", reduction=" + (reduction == null ? "1-1/N" : reduction) + "}";
    }
}

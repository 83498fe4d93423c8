package org.mudsc4j.merge.match;

/**
 * Hungarian alignment (ALGORITHM §7.1). Model 0 is the anchor: for every other model i, the maximum-weight assignment
 * on the block S[model 0 units, model i units] pairs each anchor unit k with one unit π_i(k); merged unit k =
 * {0:k, 1:π_1(k), …}, in the anchor's order. Within-model blocks are ignored.
 *
 * <p>value = mean over models i ≥ 1 of the mean matched similarity {@code mean_k S0i[k, π_i(k)]} (for N = 2 simply
 * the latter).
 */
public final class AlignMatcher implements Matcher {

    @Override
    public UnitMatch match(double[] similarity, int numModels, int unitsPerModel) {
        MatchInputs.check(similarity, numModels, unitsPerModel);
        int n = unitsPerModel;
        int o = numModels * n;
        int[] columnOf = new int[o];
        for (int k = 0; k < n; k++) {
            columnOf[k] = k;
        }
        double valueSum = 0;
        for (int model = 1; model < numModels; model++) {
            double[] x = MatchInputs.block(similarity, o, 0, model * n, n, n);
            int[] pi = LinearAssignment.solveMax(x, n);
            for (int k = 0; k < n; k++) {
                columnOf[model * n + pi[k]] = k;
            }
            valueSum += LinearAssignment.meanValue(x, n, pi);
        }
        return new UnitMatch(numModels, n, columnOf, n, valueSum / (numModels - 1));
    }
}

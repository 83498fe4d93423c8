package org.mudsc4j.merge.match;

/**
 * Group alignment (ALGORITHM §8.1) for layers whose n units form g contiguous groups (GroupNorm groups, attention
 * heads). Units are paired only inside matched group pairs, so groups stay intact: anchor unit {@code j·n_g + t} is
 * merged with the unit its block Hungarian chose inside group {@code c(j)} of the other model. For N > 2 every model is
 * aligned onto model 0 independently. Merged order = anchor order; value = mean over models of {@code mean_j G[j,c(j)]}.
 */
public final class GroupAlignMatcher implements Matcher {
    private final int groups;

    public GroupAlignMatcher(int groups) {
        if (groups < 1) {
            throw new IllegalArgumentException("group count must be >= 1, got " + groups);
        }
        this.groups = groups;
    }

    @Override
    public UnitMatch match(double[] similarity, int numModels, int unitsPerModel) {
        MatchInputs.check(similarity, numModels, unitsPerModel);
        GroupPairing.checkGroups(unitsPerModel, groups);
        int n = unitsPerModel;
        int o = numModels * n;
        int[] columnOf = new int[o];
        for (int k = 0; k < n; k++) {
            columnOf[k] = k;
        }
        double valueSum = 0;
        for (int model = 1; model < numModels; model++) {
            GroupPairing p = GroupPairing.compute(similarity, o, model, n, groups);
            for (int a = 0; a < n; a++) {
                columnOf[model * n + p.partnerUnit[a]] = a;
            }
            valueSum += p.value;
        }
        return new UnitMatch(numModels, n, columnOf, n, valueSum / (numModels - 1));
    }
}

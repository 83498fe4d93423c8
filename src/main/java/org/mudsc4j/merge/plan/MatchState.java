package org.mudsc4j.merge.plan;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.mudsc4j.merge.groups.AxisMap;
import org.mudsc4j.merge.match.UnitMatch;

/**
 * The current match of every group that has been matched so far (the reference's {@code perm_mats}), with one model's
 * rows of M or U as sparse {@link AxisMap}s. Groups absent from the state act as the identity (ALGORITHM §5.2: the
 * first sweep of weight-only methods sees un-transformed neighbours). Immutable; updates return a new state.
 */
public final class MatchState {
    private final Map<Integer, UnitMatch> matches;

    private MatchState(Map<Integer, UnitMatch> matches) {
        this.matches = Collections.unmodifiableMap(matches);
    }

    public static MatchState empty() {
        return new MatchState(new TreeMap<>());
    }

    public MatchState with(int group, UnitMatch match) {
        TreeMap<Integer, UnitMatch> m = new TreeMap<>(matches);
        m.put(group, match);
        return new MatchState(m);
    }

    public boolean has(int group) {
        return matches.containsKey(group);
    }

    public UnitMatch get(int group) {
        UnitMatch m = matches.get(group);
        if (m == null) {
            throw new IllegalStateException("group " + group + " has not been matched");
        }
        return m;
    }

    /** Matches by group id. */
    public Map<Integer, UnitMatch> matches() {
        return matches;
    }

    /** Model {@code model}'s rows of the merge matrix M = N·U/(colsum + 1e-5) of {@code group}. */
    public AxisMap mergeMap(int group, int model) {
        return axisMap(get(group), model, true);
    }

    /** Model {@code model}'s rows of the unmerge matrix U of {@code group}. */
    public AxisMap unmergeMap(int group, int model) {
        return axisMap(get(group), model, false);
    }

    private static AxisMap axisMap(UnitMatch match, int model, boolean merge) {
        int n = match.unitsPerModel();
        int[] column = new int[n];
        double[] weight = new double[n];
        for (int k = 0; k < n; k++) {
            int c = match.columnOf(model, k);
            column[k] = c;
            weight[k] = merge ? match.mergeWeight(c) : 1.0;
        }
        return new AxisMap(column, weight, match.mergedWidth());
    }
}

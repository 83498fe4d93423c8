package org.mudsc4j.merge.apply;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mudsc4j.merge.groups.AxisMap;
import org.mudsc4j.merge.groups.ParamAxis;
import org.mudsc4j.merge.groups.ParamTensor;
import org.mudsc4j.merge.groups.UnitGroups;
import org.mudsc4j.merge.plan.MatchState;

/**
 * Forms the merged parameters from N models and one match per group (ALGORITHM §7.3, the paper's Eq. 2):
 * for model i every output-side axis is contracted with its rows of M (= N·U/(colsum + 1e-5)) and every input-side
 * axis with its rows of U; the transformed models are then averaged, {@code W = (1/N) Σ_i W'^(i)}. Memberships act
 * on distinct axes (or distinct slices of one axis) and therefore commute. Parameters in no group are plainly
 * averaged; the classifier's output axis is never transformed.
 */
public final class MergeApplier {
    private MergeApplier() {
    }

    public static ModelParams merge(UnitGroups groups, List<ModelParams> models, MatchState state) {
        int numModels = models.size();
        Map<String, ParamTensor> out = new LinkedHashMap<>();
        List<ModelParams> transformed = new java.util.ArrayList<>();
        for (int i = 0; i < numModels; i++) {
            transformed.add(transform(groups, models.get(i), state, i));
        }
        for (String key : transformed.get(0).tensors().keySet()) {
            ParamTensor sum = null;
            for (ModelParams t : transformed) {
                sum = sum == null ? t.get(key) : sum.plus(t.get(key));
            }
            out.put(key, sum.times(1.0 / numModels));
        }
        return new ModelParams(out);
    }

    /**
     * Model {@code model}'s parameters with its rows of M applied on output axes and of U on input axes, before the
     * average (the reference's per-model transformed state, e.g. θ_A' and θ_B' of the loss-landscape figure).
     * Ungrouped parameters are copied.
     */
    public static ModelParams transform(UnitGroups groups, ModelParams params, MatchState state, int model) {
        return mapGroupedAxes(groups, params, m -> m.axis().side() == ParamAxis.Side.OUTPUT
                ? state.mergeMap(m.group().id(), model) : state.unmergeMap(m.group().id(), model));
    }

    /**
     * Reorders model {@code model}'s units by a one-to-one match (alignment), exactly: every axis of every group uses
     * the 0/1 unmerge rows, so no 2/(2+1e-5) factor enters. Used to bring models into a common frame.
     *
     * @throws IllegalArgumentException if a group's match merges units within a model
     */
    public static ModelParams permute(UnitGroups groups, ModelParams params, MatchState state, int model) {
        for (var g : groups.groups()) {
            var match = state.get(g.id());
            for (int c = 0; c < match.mergedWidth(); c++) {
                if (match.columnSize(c) != match.numModels()) {
                    throw new IllegalArgumentException("group " + g.name()
                            + " is not a one-to-one alignment; cannot permute by it");
                }
            }
        }
        return mapGroupedAxes(groups, params, m -> state.unmergeMap(m.group().id(), model));
    }

    /** Applies {@code mapFor(membership)} along every group axis of every grouped parameter; copies the rest. */
    private static ModelParams mapGroupedAxes(UnitGroups groups, ModelParams params,
                                              java.util.function.Function<UnitGroups.Membership, AxisMap> mapFor) {
        Map<String, ParamTensor> out = new LinkedHashMap<>();
        for (String key : groups.groupedParams()) {
            ParamTensor t = params.get(key);
            for (UnitGroups.Membership m : groups.membershipsOf(key)) {
                t = t.mapAxis(m.axis().axis(), m.axis().offset(), mapFor.apply(m));
            }
            out.put(key, t);
        }
        for (String key : groups.ungroupedParams()) {
            out.put(key, params.get(key));
        }
        return new ModelParams(out);
    }
}

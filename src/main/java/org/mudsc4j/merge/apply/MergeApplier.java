package org.mudsc4j.merge.apply;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
        for (String key : groups.groupedParams()) {
            ParamTensor sum = null;
            for (int i = 0; i < numModels; i++) {
                ParamTensor t = models.get(i).get(key);
                for (UnitGroups.Membership m : groups.membershipsOf(key)) {
                    ParamAxis a = m.axis();
                    int g = m.group().id();
                    t = t.mapAxis(a.axis(), a.offset(),
                            a.side() == ParamAxis.Side.OUTPUT ? state.mergeMap(g, i) : state.unmergeMap(g, i));
                }
                sum = sum == null ? t : sum.plus(t);
            }
            out.put(key, sum.times(1.0 / numModels));
        }
        for (String key : groups.ungroupedParams()) {
            ParamTensor sum = null;
            for (ModelParams model : models) {
                sum = sum == null ? model.get(key) : sum.plus(model.get(key));
            }
            out.put(key, sum.times(1.0 / numModels));
        }
        return new ModelParams(out);
    }
}

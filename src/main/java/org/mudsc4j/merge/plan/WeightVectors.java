package org.mudsc4j.merge.plan;

import java.util.ArrayList;
import java.util.List;
import org.mudsc4j.merge.apply.ModelParams;
import org.mudsc4j.merge.groups.AxisMap;
import org.mudsc4j.merge.groups.ParamAxis;
import org.mudsc4j.merge.groups.ParamTensor;
import org.mudsc4j.merge.groups.UnitGroup;
import org.mudsc4j.merge.groups.UnitGroups;

/**
 * Per-unit weight vectors of one group given the current matches of its neighbours (ALGORITHM §5.2).
 *
 * <p>For every model and every non-ignored entry of the group, the parameter's <em>other</em> axes that belong to an
 * already matched group are contracted with that group's matrix first. As in the reference, and opposite to the final
 * merge (§7.3), an input-side neighbour axis uses the <b>merge</b> matrix M and an output-side neighbour axis the
 * <b>unmerge</b> matrix U ("opposite matrices", §12.1 item 3). The group's own axis is then moved to the front and
 * flattened; entries are concatenated in the group's order.
 */
public final class WeightVectors {
    private WeightVectors() {
    }

    /** The stacked vectors {@code [V^(0); V^(1); …]}: row-major {@code (N·n) × dim}. */
    public record Stacked(double[] values, int units, int dim) {
    }

    public static Stacked of(UnitGroup group, UnitGroups all, List<ModelParams> models, MatchState state) {
        int n = group.width();
        int numModels = models.size();
        List<double[]> perModel = new ArrayList<>(numModels);
        int dim = -1;
        for (int i = 0; i < numModels; i++) {
            List<double[]> blocks = new ArrayList<>();
            List<Integer> lengths = new ArrayList<>();
            for (ParamAxis entry : group.entries()) {
                if (!entry.inWeightVector()) {
                    continue;
                }
                ParamTensor t = withNeighbours(entry, all, models.get(i).get(entry.key()), state, i);
                blocks.add(t.unitRows(entry.axis(), entry.offset(), n));
                lengths.add(t.rowLength(entry.axis()));
            }
            double[] v = concatColumns(blocks, lengths, n);
            int d = v.length / n;
            if (dim >= 0 && d != dim) {
                throw new IllegalArgumentException("group " + group.name() + ": model " + i + " has weight vectors of "
                        + d + " entries, model 0 has " + dim);
            }
            dim = d;
            perModel.add(v);
        }
        double[] stacked = new double[numModels * n * dim];
        for (int i = 0; i < numModels; i++) {
            System.arraycopy(perModel.get(i), 0, stacked, i * n * dim, n * dim);
        }
        return new Stacked(stacked, numModels * n, dim);
    }

    private static ParamTensor withNeighbours(ParamAxis entry, UnitGroups all, ParamTensor tensor, MatchState state,
                                              int model) {
        ParamTensor t = tensor;
        for (UnitGroups.Membership m : all.membershipsOf(entry.key())) {
            ParamAxis other = m.axis();
            if (other.axis() == entry.axis() || !state.has(m.group().id())) {
                continue;
            }
            AxisMap map = other.side() == ParamAxis.Side.INPUT
                    ? state.mergeMap(m.group().id(), model)
                    : state.unmergeMap(m.group().id(), model);
            t = t.mapAxis(other.axis(), other.offset(), map);
        }
        return t;
    }

    private static double[] concatColumns(List<double[]> blocks, List<Integer> lengths, int n) {
        int dim = lengths.stream().mapToInt(Integer::intValue).sum();
        double[] out = new double[n * dim];
        int col = 0;
        for (int b = 0; b < blocks.size(); b++) {
            double[] block = blocks.get(b);
            int len = lengths.get(b);
            for (int k = 0; k < n; k++) {
                System.arraycopy(block, k * len, out, k * dim + col, len);
            }
            col += len;
        }
        return out;
    }
}

package org.mudsc4j.merge.groups;

import java.util.Random;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Permutes a network's units along its derived groups: the project's self-check (a permuted model must compute the
 * same function) and the source of planted permutations in the merge tests.
 */
public final class GroupPermuter {
    private GroupPermuter() {
    }

    /**
     * One random permutation per group that respects its structure: the g contiguous blocks (GroupNorm groups,
     * attention heads) are permuted as wholes and the units inside every block are shuffled. Groups with the same
     * block tie (q/k and v of one attention layer) share one block order.
     */
    public static int[][] randomPermutations(UnitGroups groups, Random random) {
        int[][] out = new int[groups.size()][];
        java.util.Map<String, int[]> tiedOrders = new java.util.HashMap<>();
        for (UnitGroup g : groups.groups()) {
            int blocks = g.groups();
            int size = g.width() / blocks;
            int[] blockOrder = g.blockTie() == null ? shuffled(blocks, random)
                    : tiedOrders.computeIfAbsent(g.blockTie(), k -> shuffled(blocks, random));
            int[] perm = new int[g.width()];
            for (int b = 0; b < blocks; b++) {
                int[] inner = shuffled(size, random);
                for (int k = 0; k < size; k++) {
                    perm[b * size + k] = blockOrder[b] * size + inner[k];
                }
            }
            out[g.id()] = perm;
        }
        return out;
    }

    /**
     * A copy of {@code graph} in which unit k of group g moves to position {@code perms[g][k]} on every axis of the
     * group. Pure permutations commute with the BatchNorm storage conversions, so stored values are moved as they
     * are.
     */
    public static ComputationGraph permute(ComputationGraph graph, UnitGroups groups, int[][] perms) {
        ComputationGraph copy = graph.clone();
        for (String key : groups.groupedParams()) {
            INDArray current = copy.getParam(key);
            ParamTensor t = ParamTensor.of(current);
            for (UnitGroups.Membership m : groups.membershipsOf(key)) {
                t = t.mapAxis(m.axis().axis(), m.axis().offset(), AxisMap.permutation(perms[m.group().id()]));
            }
            copy.setParam(key, t.toINDArray(current.dataType()).reshape(current.shape()));
        }
        return copy;
    }

    /** A uniformly random permutation of 0..n−1 (Fisher–Yates). */
    public static int[] shuffled(int n, Random random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}

package org.mudsc4j.merge.match;

/**
 * Group-level matching between the anchor model 0 and one other model (ALGORITHM §8.1 steps 1–4, §8.2 step 1).
 *
 * <p>The n×n cross block is cut into g×g blocks of n_g×n_g (contiguous groups). Each block is solved by Hungarian;
 * {@code G[j,k]} is its mean matched similarity. Hungarian on G pairs anchor group j with group {@code c(j)}.
 */
final class GroupPairing {
    /** {@code partnerGroup[j] = c(j)}. */
    final int[] partnerGroup;
    /** {@code partnerUnit[a]}: unit (within the other model, 0..n−1) paired with anchor unit a inside matched groups. */
    final int[] partnerUnit;
    /** {@code mean_j G[j, c(j)]}. */
    final double value;

    private GroupPairing(int[] partnerGroup, int[] partnerUnit, double value) {
        this.partnerGroup = partnerGroup;
        this.partnerUnit = partnerUnit;
        this.value = value;
    }

    static GroupPairing compute(double[] s, int stride, int model, int unitsPerModel, int groups) {
        int n = unitsPerModel;
        int ng = n / groups;
        int colBase = model * n;
        double[] g = new double[groups * groups];
        int[][] cols = new int[groups * groups][];
        for (int j = 0; j < groups; j++) {
            for (int k = 0; k < groups; k++) {
                double[] x = MatchInputs.block(s, stride, j * ng, colBase + k * ng, ng, ng);
                int[] a = LinearAssignment.solveMax(x, ng);
                g[j * groups + k] = LinearAssignment.meanValue(x, ng, a);
                for (int t = 0; t < ng; t++) {
                    a[t] += k * ng;
                }
                cols[j * groups + k] = a;
            }
        }
        int[] c = LinearAssignment.solveMax(g, groups);
        int[] partnerUnit = new int[n];
        for (int j = 0; j < groups; j++) {
            System.arraycopy(cols[j * groups + c[j]], 0, partnerUnit, j * ng, ng);
        }
        return new GroupPairing(c, partnerUnit, LinearAssignment.meanValue(g, groups, c));
    }

    static void checkGroups(int unitsPerModel, int groups) {
        if (groups < 1 || unitsPerModel % groups != 0) {
            throw new IllegalArgumentException(
                    "units per model (" + unitsPerModel + ") must be a positive multiple of the group count (" + groups + ")");
        }
    }
}

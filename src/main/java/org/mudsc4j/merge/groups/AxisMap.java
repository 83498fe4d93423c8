package org.mudsc4j.merge.groups;

import java.util.Arrays;

/**
 * A sparse linear map of n units onto n' columns in which every unit feeds exactly one column: column j receives
 * {@code Σ_{k: column[k] = j} weight[k] · x_k}. This is the shape of every matrix MuDSC applies along a unit axis: a
 * permutation (weights 1), one model's rows of the unmerge matrix U (weights 1) or of the merge matrix M (weights
 * N/(colsum + 1e-5)). Keeping it sparse makes an axis transform cost one pass over the tensor.
 */
public record AxisMap(int[] column, double[] weight, int outWidth) {

    public AxisMap {
        if (column.length != weight.length) {
            throw new IllegalArgumentException("column and weight lengths differ: " + column.length + " vs "
                    + weight.length);
        }
        for (int k = 0; k < column.length; k++) {
            if (column[k] < 0 || column[k] >= outWidth) {
                throw new IllegalArgumentException("unit " + k + " maps to column " + column[k] + ", outside [0, "
                        + outWidth + ")");
            }
        }
        column = column.clone();
        weight = weight.clone();
    }

    /** Unit k goes to column {@code permutation[k]} with weight 1. */
    public static AxisMap permutation(int[] permutation) {
        double[] ones = new double[permutation.length];
        Arrays.fill(ones, 1.0);
        return new AxisMap(permutation, ones, permutation.length);
    }

    public static AxisMap identity(int n) {
        int[] id = new int[n];
        for (int k = 0; k < n; k++) {
            id[k] = k;
        }
        return permutation(id);
    }

    /** n, the number of source units. */
    public int inWidth() {
        return column.length;
    }

    public int column(int unit) {
        return column[unit];
    }

    public double weight(int unit) {
        return weight[unit];
    }
}

package org.mudsc4j.merge.match;

import java.util.Arrays;

/**
 * Result of matching one permutation group of {@code N ≥ 2} models: which original units form each merged unit.
 *
 * <p>Original units are numbered model-major, {@code u = model·n + k} ({@code O = N·n} in all); merged units are the
 * columns {@code 0..n'−1}. Every matcher of MuDSC produces a hard partition (each original unit lies in exactly one
 * merged unit), so the 0/1 unmerge matrix {@code U} (O×n') is stored compactly as {@code columnOf[u]} and the dense
 * matrices are built on request. The merge matrix is the one MuDSC stores, already multiplied by N (ALGORITHM §7):
 * {@code M[u,c] = N · U[u,c] / (colsum_c(U) + 1e-5)}.
 *
 * <p>Immutable.
 */
public final class UnitMatch {
    /** The {@code +1e-5} of the column-sum normalisation (ALGORITHM §7, replicated literally). */
    public static final double COLSUM_EPS = 1e-5;

    private final int numModels;
    private final int unitsPerModel;
    private final int mergedWidth;
    private final int[] columnOf;
    private final int[] columnSize;
    private final double value;

    /**
     * @param columnOf    merged column of every original unit (length {@code numModels·unitsPerModel})
     * @param mergedWidth number of merged units {@code n'}; every column must receive at least one unit
     * @param value       the matched-similarity score of this match (used by the MuDSC sweep objective)
     */
    public UnitMatch(int numModels, int unitsPerModel, int[] columnOf, int mergedWidth, double value) {
        if (numModels < 1 || unitsPerModel < 1) {
            throw new IllegalArgumentException(
                    "need numModels >= 1 and unitsPerModel >= 1, got " + numModels + ", " + unitsPerModel);
        }
        int o = numModels * unitsPerModel;
        if (columnOf == null || columnOf.length != o) {
            throw new IllegalArgumentException("columnOf must have N*n = " + o + " entries, found "
                    + (columnOf == null ? "null" : columnOf.length));
        }
        this.columnSize = new int[mergedWidth];
        for (int u = 0; u < o; u++) {
            int c = columnOf[u];
            if (c < 0 || c >= mergedWidth) {
                throw new IllegalArgumentException("unit " + u + " maps to column " + c + ", outside [0, " + mergedWidth + ")");
            }
            columnSize[c]++;
        }
        for (int c = 0; c < mergedWidth; c++) {
            if (columnSize[c] == 0) {
                throw new IllegalArgumentException("merged column " + c + " has no member");
            }
        }
        this.numModels = numModels;
        this.unitsPerModel = unitsPerModel;
        this.mergedWidth = mergedWidth;
        this.columnOf = columnOf.clone();
        this.value = value;
    }

    public int numModels() {
        return numModels;
    }

    /** {@code n}: units of one model in this group. */
    public int unitsPerModel() {
        return unitsPerModel;
    }

    /** {@code O = N·n}. */
    public int originalUnits() {
        return columnOf.length;
    }

    /** {@code n'}: number of merged units. */
    public int mergedWidth() {
        return mergedWidth;
    }

    /** Mean matched similarity as defined by the matcher (ALGORITHM §7.1, §7.2, §8). */
    public double value() {
        return value;
    }

    /** Merged column of original unit {@code u} (model-major numbering). */
    public int columnOf(int unit) {
        return columnOf[unit];
    }

    /** Merged column of unit {@code k} of {@code model}. */
    public int columnOf(int model, int k) {
        checkModel(model);
        return columnOf[model * unitsPerModel + k];
    }

    /** Copy of the whole unit→column map. */
    public int[] columnMap() {
        return columnOf.clone();
    }

    /** Number of original units merged into column {@code c} (= column sum of U). */
    public int columnSize(int c) {
        return columnSize[c];
    }

    /** Original units (model-major numbering, ascending) forming merged column {@code c}. */
    public int[] members(int c) {
        int[] out = new int[columnSize[c]];
        int k = 0;
        for (int u = 0; u < columnOf.length; u++) {
            if (columnOf[u] == c) {
                out[k++] = u;
            }
        }
        return out;
    }

    /** Entry of M for a member of column {@code c}: {@code N · 1/(colsum + 1e-5)}, evaluated in that order. */
    public double mergeWeight(int c) {
        return numModels * (1.0 / (columnSize[c] + COLSUM_EPS));
    }

    /** Dense unmerge matrix U, row-major O×n'. */
    public double[] unmerge() {
        return denseRows(0, columnOf.length, false);
    }

    /** Dense merge matrix M = N·U/(colsum(U)+1e-5), row-major O×n'. */
    public double[] merge() {
        return denseRows(0, columnOf.length, true);
    }

    /** Rows of U belonging to {@code model}: row-major n×n'. */
    public double[] unmergeFor(int model) {
        checkModel(model);
        return denseRows(model * unitsPerModel, unitsPerModel, false);
    }

    /** Rows of M belonging to {@code model}: row-major n×n'. */
    public double[] mergeFor(int model) {
        checkModel(model);
        return denseRows(model * unitsPerModel, unitsPerModel, true);
    }

    private double[] denseRows(int firstUnit, int count, boolean merge) {
        double[] out = new double[count * mergedWidth];
        for (int r = 0; r < count; r++) {
            int c = columnOf[firstUnit + r];
            out[r * mergedWidth + c] = merge ? mergeWeight(c) : 1.0;
        }
        return out;
    }

    private void checkModel(int model) {
        if (model < 0 || model >= numModels) {
            throw new IllegalArgumentException("model " + model + " outside [0, " + numModels + ")");
        }
    }

    @Override
    public String toString() {
        return "UnitMatch{N=" + numModels + ", n=" + unitsPerModel + ", n'=" + mergedWidth + ", value=" + value
                + ", columnOf=" + (columnOf.length <= 32 ? Arrays.toString(columnOf) : "[" + columnOf.length + " units]")
                + "}";
    }
}

package org.mudsc4j.merge.match;

import java.util.Arrays;

/**
 * Exact dense maximum-weight assignment (the role SciPy's {@code linear_sum_assignment(maximize=True)} plays in MuDSC).
 *
 * <p>Algorithm: shortest augmenting paths with dual potentials (Jonker–Volgenant family, Crouse's rectangular
 * formulation). For square matrices without forbidden entries the JV initial phase (column reduction, reduction
 * transfer, two rounds of augmenting row reduction) is run first: on typical matrices it assigns most rows cheaply so
 * that only a few Dijkstra searches remain.
 *
 * <p>Inputs are flat row-major {@code rows × cols} weights with {@code rows ≤ cols}. {@code -inf} marks a forbidden
 * pair; NaN and {@code +inf} are rejected. Every row gets a distinct column; if that is impossible because of forbidden
 * pairs an {@link IllegalArgumentException} is thrown. Deterministic: equal inputs give equal outputs.
 */
public final class LinearAssignment {

    private LinearAssignment() {
    }

    /** Square convenience form of {@link #solveMax(double[], int, int)}. */
    public static int[] solveMax(double[] weights, int n) {
        return solveMax(weights, n, n);
    }

    /**
     * Maximum-weight assignment of every row to a distinct column.
     *
     * @param weights row-major {@code rows × cols} weights (not modified)
     * @return {@code col[r]} = the column assigned to row {@code r}
     */
    public static int[] solveMax(double[] weights, int rows, int cols) {
        if (weights == null) {
            throw new IllegalArgumentException("weights must not be null");
        }
        if (rows < 0 || cols < 0 || rows > cols) {
            throw new IllegalArgumentException("need 0 <= rows <= cols, got rows=" + rows + ", cols=" + cols);
        }
        if ((long) rows * cols != weights.length) {
            throw new IllegalArgumentException("weights has " + weights.length + " entries, expected rows*cols = "
                    + rows + "*" + cols + " = " + ((long) rows * cols));
        }
        if (rows == 0) {
            return new int[0];
        }
        // Minimise the negated weights; forbidden (-inf) pairs become +inf costs.
        double[] cost = new double[weights.length];
        boolean forbidden = false;
        for (int k = 0; k < weights.length; k++) {
            double w = weights[k];
            if (Double.isNaN(w) || w == Double.POSITIVE_INFINITY) {
                throw new IllegalArgumentException("weight at (" + (k / cols) + ", " + (k % cols) + ") is " + w
                        + "; only finite values or -inf (forbidden) are allowed");
            }
            forbidden |= w == Double.NEGATIVE_INFINITY;
            cost[k] = -w;
        }
        return new Solver(cost, rows, cols).solve(!forbidden && rows == cols && rows >= 4);
    }

    /** Sum of {@code weights[r, col[r]]} over all rows. */
    public static double value(double[] weights, int cols, int[] assignment) {
        double sum = 0;
        for (int r = 0; r < assignment.length; r++) {
            sum += weights[r * cols + assignment[r]];
        }
        return sum;
    }

    /** Mean of {@code weights[r, col[r]]}: the "mean matched similarity" MuDSC reports; 0 for an empty assignment. */
    public static double meanValue(double[] weights, int cols, int[] assignment) {
        return assignment.length == 0 ? 0.0 : value(weights, cols, assignment) / assignment.length;
    }

    /** One minimisation instance; all work arrays are allocated once here, none in the loops. */
    private static final class Solver {
        private final double[] cost;
        private final int rows;
        private final int cols;
        private final double[] u;
        private final double[] v;
        private final int[] colOfRow;
        private final int[] rowOfCol;
        private final int[] path;
        private final double[] dist;
        private final int[] remaining;
        private final int[] visitedRows;
        private int visitedCount;
        private int remainingCount;
        private double pathLength;

        Solver(double[] cost, int rows, int cols) {
            this.cost = cost;
            this.rows = rows;
            this.cols = cols;
            u = new double[rows];
            v = new double[cols];
            colOfRow = new int[rows];
            rowOfCol = new int[cols];
            path = new int[cols];
            dist = new double[cols];
            remaining = new int[cols];
            visitedRows = new int[rows];
            Arrays.fill(colOfRow, -1);
            Arrays.fill(rowOfCol, -1);
        }

        int[] solve(boolean jvInit) {
            int[] free;
            int freeCount;
            if (jvInit) {
                free = new int[rows];
                freeCount = initialise(free);
            } else {
                free = new int[rows];
                for (int i = 0; i < rows; i++) {
                    free[i] = i;
                }
                freeCount = rows;
            }
            for (int f = 0; f < freeCount; f++) {
                int row = free[f];
                int sink = shortestPath(row);
                if (sink < 0) {
                    throw new IllegalArgumentException(
                            "no complete assignment exists: row " + row + " cannot be matched (too many -inf weights)");
                }
                updateDualsAndAugment(row, sink);
            }
            return colOfRow.clone();
        }

        /**
         * JV initial phase for a square cost matrix. Leaves duals with c - u - v >= 0 everywhere and = 0 on the
         * partial assignment (up to rounding), and returns the rows that are still free.
         */
        private int initialise(int[] free) {
            final int n = rows;
            // Column reduction: v[j] = min_i c[i,j]; scanned row by row to stay cache friendly.
            // Strict '<' in increasing row order keeps the first minimal row.
            int[] argRow = new int[n];
            Arrays.fill(v, Double.POSITIVE_INFINITY);
            for (int i = 0; i < n; i++) {
                int base = i * n;
                for (int j = 0; j < n; j++) {
                    double c = cost[base + j];
                    if (c < v[j]) {
                        v[j] = c;
                        argRow[j] = i;
                    }
                }
            }
            int[] matches = new int[n];
            for (int j = n - 1; j >= 0; j--) {
                int i = argRow[j];
                if (++matches[i] == 1) {
                    colOfRow[i] = j;
                    rowOfCol[j] = i;
                }
            }
            // Reduction transfer: a row that is the unique minimum of its column lowers that column's price so that
            // its reduced cost equals the row's second-best option (keeps the pair tight but frees slack elsewhere).
            int freeCount = 0;
            for (int i = 0; i < n; i++) {
                if (matches[i] == 0) {
                    free[freeCount++] = i;
                } else if (matches[i] == 1) {
                    int j1 = colOfRow[i];
                    int base = i * n;
                    double min = Double.POSITIVE_INFINITY;
                    for (int j = 0; j < n; j++) {
                        if (j != j1) {
                            double h = cost[base + j] - v[j];
                            if (h < min) {
                                min = h;
                            }
                        }
                    }
                    v[j1] -= min;
                }
            }
            // Augmenting row reduction, two rounds (as in JV). A cap on immediate re-processing guards against very
            // long chains caused by near-ties; rows left over are handled by the exact Dijkstra phase.
            int cap = 8 * n;
            for (int round = 0; round < 2 && freeCount > 0; round++) {
                int k = 0;
                int previous = freeCount;
                freeCount = 0;
                int steps = 0;
                while (k < previous) {
                    int i = free[k++];
                    int base = i * n;
                    double umin = cost[base] - v[0];
                    int j1 = 0;
                    double usub = Double.POSITIVE_INFINITY;
                    int j2 = -1;
                    for (int j = 1; j < n; j++) {
                        double h = cost[base + j] - v[j];
                        if (h < usub) {
                            if (h >= umin) {
                                usub = h;
                                j2 = j;
                            } else {
                                usub = umin;
                                j2 = j1;
                                umin = h;
                                j1 = j;
                            }
                        }
                    }
                    int i0 = rowOfCol[j1];
                    boolean strict = umin < usub;
                    if (strict) {
                        v[j1] -= usub - umin;
                    } else if (i0 >= 0) {
                        j1 = j2;
                        i0 = rowOfCol[j2];
                    }
                    colOfRow[i] = j1;
                    rowOfCol[j1] = i;
                    if (i0 >= 0) {
                        colOfRow[i0] = -1;
                        if (strict && ++steps < cap) {
                            free[--k] = i0;
                        } else {
                            free[freeCount++] = i0;
                        }
                    }
                }
            }
            for (int i = 0; i < n; i++) {
                int j = colOfRow[i];
                u[i] = j >= 0 ? cost[i * n + j] - v[j] : 0.0;
            }
            return freeCount;
        }

        /**
         * Dijkstra on reduced costs from free row {@code start}; returns the free column reached (or -1 if none is
         * reachable through finite costs). Fills {@code path}, {@code dist}, the visited rows and scanned columns.
         */
        private int shortestPath(int start) {
            final int[] rem = remaining;
            final double[] d = dist;
            final double[] vv = v;
            final double[] c = cost;
            final int[] owner = rowOfCol;
            final int[] pred = path;
            int count = cols;
            for (int j = 0; j < cols; j++) {
                rem[j] = j;
            }
            Arrays.fill(d, Double.POSITIVE_INFINITY);
            visitedCount = 0;
            double minVal = 0;
            int i = start;
            int sink = -1;
            while (sink < 0) {
                visitedRows[visitedCount++] = i;
                int base = i * cols;
                double offset = minVal - u[i];
                double lowest = Double.POSITIVE_INFINITY;
                int index = -1;
                for (int it = 0; it < count; it++) {
                    int j = rem[it];
                    double r = offset + c[base + j] - vv[j];
                    double dj = d[j];
                    if (r < dj) {
                        pred[j] = i;
                        d[j] = r;
                        dj = r;
                    }
                    // Among equal distances prefer a free column: it ends the search sooner.
                    if (dj < lowest || (dj == lowest && owner[j] < 0)) {
                        lowest = dj;
                        index = it;
                    }
                }
                if (lowest == Double.POSITIVE_INFINITY) {
                    return -1;
                }
                minVal = lowest;
                int j = rem[index];
                if (owner[j] < 0) {
                    sink = j;
                } else {
                    i = owner[j];
                }
                rem[index] = rem[--count];
                rem[count] = j; // scanned columns collect at the tail of rem
            }
            remainingCount = count;
            pathLength = minVal;
            return sink;
        }

        private void updateDualsAndAugment(int start, int sink) {
            double minVal = pathLength;
            u[start] += minVal;
            for (int k = 1; k < visitedCount; k++) {
                int i = visitedRows[k];
                u[i] += minVal - dist[colOfRow[i]];
            }
            for (int k = remainingCount; k < cols; k++) {
                int j = remaining[k];
                v[j] -= minVal - dist[j];
            }
            int j = sink;
            while (true) {
                int i = path[j];
                rowOfCol[j] = i;
                int previous = colOfRow[i];
                colOfRow[i] = j;
                if (i == start) {
                    break;
                }
                j = previous;
            }
        }
    }
}

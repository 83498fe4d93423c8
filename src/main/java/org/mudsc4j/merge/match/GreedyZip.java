package org.mudsc4j.merge.match;

import java.util.Arrays;

/**
 * The ZipIt/MuDSC greedy merge loop (ALGORITHM §7.2, and the per-pair loop of §8.2) on an m×m working matrix.
 *
 * <p>Equivalent to the literal algorithm that physically deletes row and column j after every merge: deleted units are
 * tracked with "alive" flags instead, and a dead column is overwritten with −inf in every live row so that row scans
 * need no flag test. To avoid an O(m²) argmax per step, the maximum of every live row (first occurrence) is cached;
 * after a merge only rows whose maximum sat in the changed columns, or whose pairs were forbidden by a budget kill, are
 * rescanned. Scanning the cached maxima in ascending row order with a strict '>' reproduces the row-major
 * first-occurrence argmax exactly.
 *
 * <p>Owners never change: a merged column keeps the lower index and that index's model/group owner.
 */
final class GreedyZip {
    private final int m;
    private final double[] s;
    private final double alpha;
    private final int[] model;
    private final int[] group;
    private final ZipBudgets budgets;
    private final boolean[] alive;
    private final double[] rowMax;
    private final int[] rowArg;
    private final int[] next;
    private final int[] tail;
    private boolean maximaReady;

    /**
     * @param s      m×m working matrix, taken over and modified; its diagonal is set to −inf (no self-merge)
     * @param model  model owner of every local unit
     * @param group  group owner of every local unit, or null when there are no group budgets
     */
    GreedyZip(double[] s, int m, int[] model, int[] group, double alpha, ZipBudgets budgets) {
        this.m = m;
        this.s = s;
        this.alpha = alpha;
        this.model = model;
        this.group = group;
        this.budgets = budgets;
        alive = new boolean[m];
        Arrays.fill(alive, true);
        rowMax = new double[m];
        rowArg = new int[m];
        next = new int[m];
        tail = new int[m];
        for (int u = 0; u < m; u++) {
            s[u * m + u] = Double.NEGATIVE_INFINITY;
            next[u] = -1;
            tail[u] = u;
        }
    }

    /** Sets every pair of live units owned by {@code modelId} to −inf (a budget kill that happened earlier). */
    void forbidModelPairs(int modelId) {
        forbid(model, modelId);
    }

    /**
     * Performs {@code merges} greedy merges, adding each selected similarity to {@code budgets}' running sum.
     *
     * @throws IllegalStateException if every remaining pair is −inf before the target is reached
     */
    void run(int merges) {
        if (!maximaReady) {
            for (int r = 0; r < m; r++) {
                rescan(r);
            }
            maximaReady = true;
        }
        for (int t = 0; t < merges; t++) {
            step(t);
        }
    }

    private void step(int t) {
        int bestRow = -1;
        double best = Double.NEGATIVE_INFINITY;
        for (int r = 0; r < m; r++) {
            if (alive[r] && rowMax[r] > best) {
                best = rowMax[r];
                bestRow = r;
            }
        }
        if (bestRow < 0) {
            throw new IllegalStateException("zip: every remaining pair is forbidden (-inf) after " + t
                    + " merges; cannot reach the target width");
        }
        budgets.addSelected(best);
        int x = bestRow;
        int y = rowArg[bestRow];
        int i = Math.min(x, y);
        int j = Math.max(x, y);
        merge(i, j);
    }

    private void merge(int i, int j) {
        final double[] w = s;
        // Column i := α·min(column i, column j) over every live row (the literal order: columns first, then row i).
        for (int r = 0; r < m; r++) {
            if (alive[r]) {
                int b = r * m;
                w[b + i] = alpha * Math.min(w[b + i], w[b + j]);
            }
        }
        int bi = i * m;
        int bj = j * m;
        for (int c = 0; c < m; c++) {
            if (c != j && alive[c]) {
                w[bi + c] = alpha * Math.min(w[bi + c], w[bj + c]);
            }
        }
        alive[j] = false;
        for (int r = 0; r < m; r++) {
            if (alive[r]) {
                w[r * m + j] = Double.NEGATIVE_INFINITY;
            }
        }
        next[tail[i]] = j;
        tail[i] = tail[j];

        int killedModel = -1;
        int killedGroup = -1;
        if (model[i] == model[j] && budgets.spendModel(model[i])) {
            killedModel = model[i];
            forbid(model, killedModel);
        }
        if (group != null && group[i] == group[j] && budgets.spendGroup(group[i])) {
            killedGroup = group[i];
            forbid(group, killedGroup);
        }

        // Maintain the cached row maxima: only column i changed (and column j vanished) in the other rows.
        rescan(i);
        for (int r = 0; r < m; r++) {
            if (!alive[r] || r == i) {
                continue;
            }
            double v = w[r * m + i];
            int arg = rowArg[r];
            if (arg == i || arg == j) {
                if (v >= rowMax[r]) {
                    // No earlier column can tie: it would have been the first occurrence instead of i or j.
                    rowMax[r] = v;
                    rowArg[r] = i;
                } else {
                    rescan(r);
                }
            } else if (v > rowMax[r] || (v == rowMax[r] && i < arg)) {
                rowMax[r] = v;
                rowArg[r] = i;
            }
        }
        if (killedModel >= 0) {
            rescanOwned(model, killedModel);
        }
        if (killedGroup >= 0) {
            rescanOwned(group, killedGroup);
        }
    }

    private void forbid(int[] owner, int id) {
        for (int u = 0; u < m; u++) {
            if (alive[u] && owner[u] == id) {
                int b = u * m;
                for (int v = 0; v < m; v++) {
                    if (owner[v] == id) {
                        s[b + v] = Double.NEGATIVE_INFINITY;
                    }
                }
            }
        }
    }

    private void rescanOwned(int[] owner, int id) {
        for (int r = 0; r < m; r++) {
            if (alive[r] && owner[r] == id) {
                rescan(r);
            }
        }
    }

    /** First-occurrence maximum of row r (dead columns hold −inf). */
    private void rescan(int r) {
        int b = r * m;
        double best = s[b];
        int arg = 0;
        for (int c = 1; c < m; c++) {
            double v = s[b + c];
            if (v > best) {
                best = v;
                arg = c;
            }
        }
        rowMax[r] = best;
        rowArg[r] = arg;
    }

    /** Surviving local columns in ascending order. */
    int[] survivors() {
        int count = 0;
        for (boolean a : alive) {
            if (a) {
                count++;
            }
        }
        int[] out = new int[count];
        int k = 0;
        for (int u = 0; u < m; u++) {
            if (alive[u]) {
                out[k++] = u;
            }
        }
        return out;
    }

    /** Local units merged into surviving column {@code col} (including {@code col} itself). */
    int[] members(int col) {
        int count = 0;
        for (int u = col; u >= 0; u = next[u]) {
            count++;
        }
        int[] out = new int[count];
        int k = 0;
        for (int u = col; u >= 0; u = next[u]) {
            out[k++] = u;
        }
        return out;
    }
}

package org.mudsc4j.merge.match;

import java.util.ArrayList;
import java.util.List;

/**
 * Test oracle: a line-by-line transcription of the reference zip loops (ALGORITHM §7.2 / §8.2) that physically deletes
 * rows and columns and scans the whole matrix for every argmax. Slow (O(O³)) but obviously literal.
 */
final class LiteralZip {
    static final class Result {
        final int[] columnOf;
        final double value;

        Result(int[] columnOf, double value) {
            this.columnOf = columnOf;
            this.value = value;
        }
    }

    private LiteralZip() {
    }

    /** Plain zip; {@code groupsOrZero > 0} selects the group variant with that many groups per model. */
    static Result run(double[] s0, int numModels, int n, double a, double b, double r, int groupsOrZero, double bGroup) {
        int o = numModels * n;
        double[][] sims = new double[o][o];
        for (int i = 0; i < o; i++) {
            for (int j = 0; j < o; j++) {
                sims[i][j] = s0[i * o + j];
            }
            sims[i][i] = Double.NEGATIVE_INFINITY;
        }
        List<List<Integer>> perm = new ArrayList<>(); // column → members
        for (int u = 0; u < o; u++) {
            List<Integer> l = new ArrayList<>();
            l.add(u);
            perm.add(l);
        }
        List<Integer> originalModel = new ArrayList<>();
        List<Integer> originalGroup = new ArrayList<>();
        int group = Math.max(groupsOrZero, 1);
        int og = n / group;
        for (int u = 0; u < o; u++) {
            originalModel.add(u / n);
            originalGroup.add(u / og);
        }
        int remainder;
        int groupRemainder = 0;
        if (groupsOrZero > 0) {
            groupRemainder = (int) Math.floor(og * numModels * (1 - r) + 1e-4);
            remainder = group * groupRemainder;
        } else {
            remainder = (int) Math.floor(o * (1 - r) + 1e-4);
        }
        int toRemove = o - remainder;
        int[] budget = new int[numModels];
        java.util.Arrays.fill(budget, (int) Math.floor((toRemove / numModels) * b + 1e-4));
        int ng = numModels * group;
        int[] groupBudget = new int[ng];
        java.util.Arrays.fill(groupBudget, (int) Math.floor(Math.floor(toRemove * bGroup / ng) + 1e-4));

        List<List<Integer>> mergedGroup = new ArrayList<>();
        if (groupsOrZero > 0) {
            for (int j = 0; j < group; j++) {
                List<Integer> l = new ArrayList<>();
                l.add(j);
                mergedGroup.add(l);
            }
            for (int i = 1; i < numModels; i++) {
                double[] gc = new double[group * group];
                for (int j = 0; j < group; j++) {
                    for (int k = 0; k < group; k++) {
                        double[] x = new double[og * og];
                        for (int p = 0; p < og; p++) {
                            for (int q = 0; q < og; q++) {
                                x[p * og + q] = s0[(j * og + p) * o + i * n + k * og + q];
                            }
                        }
                        gc[j * group + k] = LinearAssignment.meanValue(x, og, LinearAssignment.solveMax(x, og));
                    }
                }
                int[] c = LinearAssignment.solveMax(gc, group);
                for (int j = 0; j < group; j++) {
                    mergedGroup.get(j).add(c[j] + i * group);
                }
            }
        }

        double sum = 0;
        int count = 0;
        double[][] mask = null;
        int groupToRemove = 0;
        int nextPair = 0;
        while (perm.size() > remainder) {
            int cur = perm.size();
            if (groupsOrZero > 0 && groupToRemove <= 0) {
                List<Integer> pair = mergedGroup.get(nextPair++);
                mask = new double[cur][cur];
                for (int x = 0; x < cur; x++) {
                    for (int y = 0; y < cur; y++) {
                        boolean in = pair.contains(originalGroup.get(x)) && pair.contains(originalGroup.get(y));
                        mask[x][y] = in ? 0 : Double.NEGATIVE_INFINITY;
                    }
                }
                groupToRemove = og * numModels - groupRemainder;
            }
            // first-occurrence row-major argmax
            int bx = 0;
            int by = 0;
            double best = sims[0][0] + (mask == null ? 0 : mask[0][0]);
            for (int x = 0; x < cur; x++) {
                for (int y = 0; y < cur; y++) {
                    double v = sims[x][y] + (mask == null ? 0 : mask[x][y]);
                    if (v > best) {
                        best = v;
                        bx = x;
                        by = y;
                    }
                }
            }
            if (best == Double.NEGATIVE_INFINITY) {
                throw new IllegalStateException("all remaining pairs are -inf");
            }
            sum += sims[bx][by];
            count++;
            int i = Math.min(bx, by);
            int j = Math.max(bx, by);
            perm.get(i).addAll(perm.get(j));
            perm.remove(j);
            for (int x = 0; x < cur; x++) {
                sims[x][i] = a * Math.min(sims[x][i], sims[x][j]);
            }
            sims = deleteCol(sims, j);
            if (mask != null) {
                mask = deleteCol(mask, j);
            }
            for (int y = 0; y < cur - 1; y++) {
                sims[i][y] = a * Math.min(sims[i][y], sims[j][y]);
            }
            sims = deleteRow(sims, j);
            if (mask != null) {
                mask = deleteRow(mask, j);
            }
            int mi = originalModel.get(i);
            int mj = originalModel.get(j);
            originalModel.remove(j);
            if (mi == mj) {
                if (--budget[mi] <= 0) {
                    kill(sims, originalModel, mi);
                }
            }
            if (groupsOrZero > 0) {
                int gi = originalGroup.get(i);
                int gj = originalGroup.get(j);
                originalGroup.remove(j);
                if (gi == gj) {
                    if (--groupBudget[gi] <= 0) {
                        kill(sims, originalGroup, gi);
                    }
                }
                groupToRemove--;
            } else {
                originalGroup.remove(j);
            }
        }
        List<Integer> order = new ArrayList<>();
        if (groupsOrZero > 0) {
            for (List<Integer> v : mergedGroup) {
                for (int g : v) {
                    for (int c = 0; c < perm.size(); c++) {
                        if (originalGroup.get(c) == g) {
                            order.add(c);
                        }
                    }
                }
            }
        } else {
            for (int c = 0; c < perm.size(); c++) {
                order.add(c);
            }
        }
        int[] columnOf = new int[o];
        for (int c = 0; c < order.size(); c++) {
            for (int u : perm.get(order.get(c))) {
                columnOf[u] = c;
            }
        }
        return new Result(columnOf, sum / Math.max(count, 1e-7));
    }

    private static void kill(double[][] sims, List<Integer> owner, int id) {
        for (int x = 0; x < sims.length; x++) {
            for (int y = 0; y < sims.length; y++) {
                if (owner.get(x) == id && owner.get(y) == id) {
                    sims[x][y] = Double.NEGATIVE_INFINITY;
                }
            }
        }
    }

    private static double[][] deleteCol(double[][] m, int j) {
        double[][] out = new double[m.length][];
        for (int x = 0; x < m.length; x++) {
            double[] row = new double[m[x].length - 1];
            System.arraycopy(m[x], 0, row, 0, j);
            System.arraycopy(m[x], j + 1, row, j, m[x].length - j - 1);
            out[x] = row;
        }
        return out;
    }

    private static double[][] deleteRow(double[][] m, int j) {
        double[][] out = new double[m.length - 1][];
        for (int x = 0, k = 0; x < m.length; x++) {
            if (x != j) {
                out[k++] = m[x];
            }
        }
        return out;
    }
}

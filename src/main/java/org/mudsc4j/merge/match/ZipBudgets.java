package org.mudsc4j.merge.match;

/**
 * Mutable bookkeeping shared by the zip loops of one match: per-model and per-group within-owner merge budgets, which
 * models have been "killed" (all their pairs forbidden), and the running sum of selected similarities.
 */
final class ZipBudgets {
    private final int[] modelBudget;
    private final boolean[] modelKilled;
    private final int[] groupBudget;
    private double selectedSum;
    private int selectedCount;

    ZipBudgets(int numModels, int modelBudgetValue, int numGroups, int groupBudgetValue) {
        modelBudget = new int[numModels];
        java.util.Arrays.fill(modelBudget, modelBudgetValue);
        modelKilled = new boolean[numModels];
        groupBudget = new int[numGroups];
        java.util.Arrays.fill(groupBudget, groupBudgetValue);
    }

    /** Records one within-model merge; true when the budget is now exhausted (≤ 0), i.e. the model must be killed. */
    boolean spendModel(int m) {
        if (--modelBudget[m] <= 0) {
            modelKilled[m] = true;
            return true;
        }
        return false;
    }

    /** Records one within-group merge; true when that group's budget is now exhausted. */
    boolean spendGroup(int g) {
        return --groupBudget[g] <= 0;
    }

    boolean modelKilled(int m) {
        return modelKilled[m];
    }

    void addSelected(double v) {
        selectedSum += v;
        selectedCount++;
    }

    /** Mean of the selected maxima, with the reference's {@code sum / max(len, 1e-7)} (0 when nothing merged). */
    double meanSelected() {
        return selectedSum / Math.max(selectedCount, 1e-7);
    }
}

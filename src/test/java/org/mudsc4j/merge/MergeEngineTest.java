package org.mudsc4j.merge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mudsc4j.merge.apply.MergeApplier;
import org.mudsc4j.merge.apply.ModelParams;
import org.mudsc4j.merge.groups.UnitGroup;
import org.mudsc4j.merge.groups.UnitGroups;
import org.mudsc4j.merge.match.UnitMatch;
import org.mudsc4j.merge.plan.DualSpaceSearch;
import org.mudsc4j.merge.plan.MatchState;
import org.mudsc4j.merge.plan.MergePlan;
import org.nd4j.linalg.api.ndarray.INDArray;

/** ALGORITHM §12.4 on a small MLP with a hand-written spec: the engine alone, without the zoo or the data. */
class MergeEngineTest {
    private static final int[] HIDDEN = {24, 20};
    private static final UnitGroups GROUPS = MergeFixtures.mlpGroups(HIDDEN);

    private static ComputationGraph mergeAll(List<ComputationGraph> models, MergePlan plan) {
        List<ModelParams> params = models.stream().map(m -> ModelParams.read(m, GROUPS, "m")).toList();
        ComputationGraph merged = models.get(0).clone();
        MergeApplier.merge(GROUPS, params, plan.state()).writeInto(merged, GROUPS);
        return merged;
    }

    private static MergePlan plan(List<ComputationGraph> models, MergeMethod method, double alpha,
                                  Map<Integer, double[]> act) {
        List<ModelParams> params = models.stream().map(m -> ModelParams.read(m, GROUPS, "m")).toList();
        return new DualSpaceSearch(GROUPS, params).run(method, DualSpaceSearch.Options.defaults(alpha), act);
    }

    private static int[][] planted(long seed) {
        Random r = new Random(seed);
        return new int[][] {MergeFixtures.randomPermutation(HIDDEN[0], r), MergeFixtures.randomPermutation(HIDDEN[1], r)};
    }

    @ParameterizedTest
    @EnumSource(value = MergeMethod.class, names = {"ACT_ALIGN", "ZIPIT", "MUDSC_ALIGN", "MUDSC_ZIP"})
    void mergingWithAPermutedCopyGivesTheOriginalFunctionBack(MergeMethod method) {
        ComputationGraph a = MergeFixtures.mlp(6, HIDDEN, 5, 11);
        ComputationGraph b = MergeFixtures.permute(a, GROUPS, planted(3));
        INDArray x = MergeFixtures.inputs(400, 6, 5);
        INDArray expected = a.outputSingle(false, x);
        assertTrue(MergeFixtures.relativeError(expected, b.outputSingle(false, x)) < 1e-9, "permuting keeps the function");
        assertTrue(MergeFixtures.relativeError(expected,
                mergeAll(List.of(a, b), plan(List.of(a, b), MergeMethod.AVG, 0.5, null)).outputSingle(false, x)) > 1e-2,
                "control: plain averaging of a permuted copy must change the function");

        Map<Integer, double[]> act = MergeFixtures.activationCorrelations(List.of(a, b), GROUPS, x);
        ComputationGraph merged = mergeAll(List.of(a, b), plan(List.of(a, b), method, 0.5, act));
        double err = MergeFixtures.relativeError(expected, merged.outputSingle(false, x));
        assertTrue(err <= 1e-4, method + ": relative error " + err);
    }

    /**
     * N = 3 with alignment (each model aligned onto the first). Zip is not included: its α decay halves a pair's
     * similarity to every third unit, so greedy zipping of three exact copies may merge within a model first; that is
     * the reference's algorithm, and {@link #zipOfThreeModelsKeepsEveryUnitAndTheWidth} checks its structure only.
     */
    @ParameterizedTest
    @EnumSource(value = MergeMethod.class, names = {"ACT_ALIGN", "MUDSC_ALIGN"})
    void threeModelsMergeIntoTheOriginalWhenTheyArePermutedCopies(MergeMethod method) {
        ComputationGraph a = MergeFixtures.mlp(6, HIDDEN, 5, 13);
        ComputationGraph b = MergeFixtures.permute(a, GROUPS, planted(4));
        ComputationGraph c = MergeFixtures.permute(a, GROUPS, planted(5));
        INDArray x = MergeFixtures.inputs(400, 6, 5);
        List<ComputationGraph> models = List.of(a, b, c);
        Map<Integer, double[]> act = MergeFixtures.activationCorrelations(models, GROUPS, x);
        MergePlan plan = plan(models, method, 0.5, act);
        for (UnitGroup g : GROUPS.groups()) {
            for (int col = 0; col < g.width(); col++) {
                assertEquals(3, plan.state().get(g.id()).columnSize(col), "one unit of each model per merged unit");
            }
        }
        double err = MergeFixtures.relativeError(a.outputSingle(false, x), mergeAll(models, plan).outputSingle(false, x));
        assertTrue(err <= 1e-4, method + " with N = 3: relative error " + err);
    }

    @ParameterizedTest
    @EnumSource(value = MergeMethod.class, names = {"ZIPIT", "MUDSC_ZIP"})
    void zipOfThreeModelsKeepsEveryUnitAndTheWidth(MergeMethod method) {
        ComputationGraph a = MergeFixtures.mlp(6, HIDDEN, 5, 13);
        List<ComputationGraph> models = List.of(a, MergeFixtures.mlp(6, HIDDEN, 5, 14),
                MergeFixtures.mlp(6, HIDDEN, 5, 15));
        INDArray x = MergeFixtures.inputs(300, 6, 5);
        MergePlan plan = plan(models, method, 0.5, MergeFixtures.activationCorrelations(models, GROUPS, x));
        for (UnitGroup g : GROUPS.groups()) {
            UnitMatch m = plan.state().get(g.id());
            assertEquals(g.width(), m.mergedWidth(), "r = 1 - 1/N keeps n merged units");
            int members = 0;
            for (int col = 0; col < m.mergedWidth(); col++) {
                members += m.columnSize(col);
            }
            assertEquals(3 * g.width(), members, "every unit of every model lands in exactly one merged unit");
        }
        INDArray y = mergeAll(models, plan).outputSingle(false, x);
        for (double v : y.dup().data().asDouble()) {
            assertTrue(Double.isFinite(v));
        }
    }

    @Test
    void rebasinRecoversAPlantedPermutation() {
        ComputationGraph a = MergeFixtures.mlp(6, HIDDEN, 5, 21);
        int[][] perms = planted(8);
        ComputationGraph b = MergeFixtures.permute(a, GROUPS, perms);
        MergePlan plan = plan(List.of(a, b), MergeMethod.REBASIN, 0.5, null);
        for (UnitGroup g : GROUPS.groups()) {
            UnitMatch m = plan.state().get(g.id());
            for (int k = 0; k < g.width(); k++) {
                // A unit k was moved to position perms[k] in B; both must land in A's column k.
                assertEquals(k, m.columnOf(0, k));
                assertEquals(k, m.columnOf(1, perms[g.id()][k]), "group " + g.id() + " unit " + k);
            }
        }
        assertTrue(plan.sweeps().size() >= 1);
        INDArray x = MergeFixtures.inputs(50, 6, 5);
        assertTrue(MergeFixtures.relativeError(a.outputSingle(false, x),
                mergeAll(List.of(a, b), plan).outputSingle(false, x)) <= 1e-4);
    }

    @ParameterizedTest
    @EnumSource(MergeMethod.class)
    void mergingAModelWithItselfGivesItBack(MergeMethod method) {
        ComputationGraph a = MergeFixtures.mlp(6, HIDDEN, 5, 31);
        ComputationGraph b = a.clone();
        INDArray x = MergeFixtures.inputs(300, 6, 6);
        Map<Integer, double[]> act = MergeFixtures.activationCorrelations(List.of(a, b), GROUPS, x);
        MergePlan plan = plan(List.of(a, b), method, 0.5, method.usesActivations() ? act : null);
        for (UnitGroup g : GROUPS.groups()) {
            UnitMatch m = plan.state().get(g.id());
            for (int k = 0; k < g.width(); k++) {
                assertEquals(m.columnOf(0, k), m.columnOf(1, k), method + " pairs unit " + k + " with itself");
                assertEquals(2, m.columnSize(m.columnOf(0, k)), "no within-model merge");
            }
        }
        double err = MergeFixtures.relativeError(a.outputSingle(false, x),
                mergeAll(List.of(a, b), plan).outputSingle(false, x));
        assertTrue(err <= 1e-4, method + ": " + err);
    }

    @Test
    void alphaZeroEqualsTheActivationOnlyMethod() {
        ComputationGraph a = MergeFixtures.mlp(6, HIDDEN, 5, 41);
        ComputationGraph b = MergeFixtures.mlp(6, HIDDEN, 5, 42);
        INDArray x = MergeFixtures.inputs(300, 6, 7);
        Map<Integer, double[]> act = MergeFixtures.activationCorrelations(List.of(a, b), GROUPS, x);
        assertSameMatches(plan(List.of(a, b), MergeMethod.ACT_ALIGN, 0, act),
                plan(List.of(a, b), MergeMethod.MUDSC_ALIGN, 0, act));
        assertSameMatches(plan(List.of(a, b), MergeMethod.ZIPIT, 0, act),
                plan(List.of(a, b), MergeMethod.MUDSC_ZIP, 0, act));
    }

    @Test
    void theSearchIsDeterministicAndTheSweepsImproveUntilPatienceRunsOut() {
        ComputationGraph a = MergeFixtures.mlp(6, HIDDEN, 5, 51);
        ComputationGraph b = MergeFixtures.mlp(6, HIDDEN, 5, 52);
        INDArray x = MergeFixtures.inputs(300, 6, 8);
        Map<Integer, double[]> act = MergeFixtures.activationCorrelations(List.of(a, b), GROUPS, x);
        MergePlan p1 = plan(List.of(a, b), MergeMethod.MUDSC_ZIP, 0.7, act);
        MergePlan p2 = plan(List.of(a, b), MergeMethod.MUDSC_ZIP, 0.7, act);
        assertSameMatches(p1, p2);
        assertEquals(p1.sweeps(), p2.sweeps());
        List<MergePlan.Sweep> s = p1.sweeps();
        assertTrue(s.size() >= 6 && s.size() <= 100, "stops after 5 bad sweeps or 100 sweeps: " + s.size());
        if (s.size() < 100) {
            for (int i = s.size() - 5; i < s.size(); i++) {
                assertTrue(!s.get(i).improved(), "the last 5 sweeps were not improvements");
            }
        }
        double best = s.stream().filter(MergePlan.Sweep::improved).mapToDouble(MergePlan.Sweep::objective).max()
                .orElseThrow();
        assertEquals(best, p1.objective(), 0);
    }

    @Test
    void weightVectorsUseTheOppositeMatricesOfTheNeighbours() {
        ComputationGraph a = MergeFixtures.mlp(6, HIDDEN, 5, 61);
        ComputationGraph b = MergeFixtures.mlp(6, HIDDEN, 5, 62);
        List<ModelParams> params = List.of(ModelParams.read(a, GROUPS, "a"), ModelParams.read(b, GROUPS, "b"));
        double[] sim = new double[4 * HIDDEN[1] * HIDDEN[1]];
        new Random(1).ints(sim.length);
        Random r = new Random(2);
        for (int i = 0; i < sim.length; i++) {
            sim[i] = r.nextDouble();
        }
        UnitMatch zip = new org.mudsc4j.merge.match.ZipMatcher().match(sim, 2, HIDDEN[1]);
        MatchState state = MatchState.empty().with(1, zip);
        var v = org.mudsc4j.merge.plan.WeightVectors.of(GROUPS.get(0), GROUPS, params, state);
        int n = HIDDEN[0];
        int in = 6;
        assertEquals(in + 1 + HIDDEN[1], v.dim());
        for (int model = 0; model < 2; model++) {
            double[][] fc2 = (model == 0 ? a : b).getParam("fc2_W").toDoubleMatrix(); // [n, HIDDEN[1]]
            for (int k = 0; k < n; k++) {
                for (int j = 0; j < HIDDEN[1]; j++) {
                    // fc2's output axis is group 1's output side, so the vectors contract it with U (not M).
                    double expected = 0;
                    for (int l = 0; l < HIDDEN[1]; l++) {
                        expected += zip.columnOf(model, l) == j ? fc2[k][l] : 0;
                    }
                    assertEquals(expected, v.values()[(model * n + k) * v.dim() + in + 1 + j], 1e-12);
                }
            }
        }
    }

    @Test
    void clearErrors() {
        ComputationGraph a = MergeFixtures.mlp(6, HIDDEN, 5, 71);
        assertThrows(IllegalArgumentException.class, () -> DualSpaceSearch.Options.defaults(1.5));
        assertThrows(IllegalArgumentException.class, () -> DualSpaceSearch.Options.defaults(-0.1));
        List<ModelParams> one = List.of(ModelParams.read(a, GROUPS, "a"));
        assertThrows(IllegalArgumentException.class, () -> new DualSpaceSearch(GROUPS, one));
        ComputationGraph broken = a.clone();
        INDArray w = broken.getParam("fc1_W").dup();
        w.putScalar(0, 0, Double.NaN);
        broken.setParam("fc1_W", w);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelParams.read(broken, GROUPS, "model B"));
        assertTrue(e.getMessage().contains("model B") && e.getMessage().contains("fc1_W"), e.getMessage());
        List<ModelParams> two = List.of(ModelParams.read(a, GROUPS, "a"), ModelParams.read(a, GROUPS, "b"));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> new DualSpaceSearch(GROUPS, two).run(MergeMethod.ZIPIT, DualSpaceSearch.Options.defaults(0.5),
                        null));
        assertTrue(missing.getMessage().contains("activation"), missing.getMessage());
    }

    private static void assertSameMatches(MergePlan expected, MergePlan actual) {
        for (UnitGroup g : GROUPS.groups()) {
            assertArrayEquals(expected.state().get(g.id()).columnMap(), actual.state().get(g.id()).columnMap(),
                    "group " + g.id());
        }
    }
}

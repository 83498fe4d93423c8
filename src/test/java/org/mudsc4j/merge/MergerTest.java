package org.mudsc4j.merge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mudsc4j.merge.groups.GroupPermuter;
import org.mudsc4j.merge.groups.UnitGroup;
import org.mudsc4j.merge.plan.DualSpaceSearch;
import org.mudsc4j.zoo.ModelSpec;
import org.mudsc4j.zoo.ModelZoo;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The whole merge procedure on zoo models (groups derived from the graph, BN re-estimation, feature pass, search,
 * apply): merging a model with a unit-permuted copy of itself must give the original function back
 * (ALGORITHM §12.4 item 1), for plain, GroupNorm (group-aware matchers) and attention (heads) models.
 */
class MergerTest {

    private static Supplier<DataSetIterator> randomData(ModelSpec spec, int batches, int batchSize, long seed) {
        List<DataSet> list = new ArrayList<>();
        Nd4j.getRandom().setSeed(seed);
        for (int b = 0; b < batches; b++) {
            INDArray x = Nd4j.rand(DataType.DOUBLE, batchSize, spec.input().channels(), spec.input().height(), spec.input().width());
            list.add(new DataSet(x, Nd4j.zeros(DataType.DOUBLE, batchSize, 2)));
        }
        return () -> new ExistingDataSetIterator(list);
    }

    @ParameterizedTest
    @CsvSource({
            "resnet20x1-e8@3x8x8, act-align",
            "resnet20x1-e8@3x8x8, zipit",
            "resnet20x1-e8@3x8x8, mudsc-align",
            "resnet20x1-e8@3x8x8, mudsc-zip",
            "resnet20gnx1-g4-e8@3x8x8, act-align",
            "resnet20gnx1-g4-e8@3x8x8, mudsc-zip",
            "vit-p4-d2-w16-h2-m2-e8@3x8x8, act-align",
            "vit-p4-d2-w16-h2-m2-e8@3x8x8, mudsc-zip",
    })
    void mergingWithAPermutedCopyGivesTheOriginalBack(String specText, String methodId) {
        ModelSpec spec = ModelSpec.parse(specText);
        ComputationGraph a = ModelZoo.build(spec, 7, new org.nd4j.linalg.lossfunctions.impl.LossMSE(), DataType.DOUBLE);
        Merger probe = Merger.prepare(List.of(a, a.clone()), randomData(spec, 2, 16, 1));
        int[][] perms = GroupPermuter.randomPermutations(probe.groups(), new Random(3));
        ComputationGraph b = GroupPermuter.permute(a, probe.groups(), perms);

        Supplier<DataSetIterator> data = randomData(spec, 3, 32, 2);
        Merger merger = Merger.prepare(List.of(a, b), data);
        MergeMethod method = MergeMethod.parse(methodId);
        Merger.Result result = merger.merge(method, DualSpaceSearch.Options.defaults(0.5));

        INDArray x = randomData(spec, 1, 8, 9).get().next().getFeatures();
        INDArray expected = merger.baseModels().get(0).outputSingle(false, x);
        double err = MergeFixtures.relativeError(expected, result.merged().outputSingle(false, x));
        assertTrue(err <= 1e-4, specText + " " + method + ": relative error " + err);
        if (method.usesActivations()) {
            for (UnitGroup g : merger.groups().groups()) {
                for (int k = 0; k < g.width(); k++) {
                    assertEquals(result.plan().state().get(g.id()).columnOf(0, k),
                            result.plan().state().get(g.id()).columnOf(1, perms[g.id()][k]),
                            "group " + g.name() + " unit " + k + " paired with its planted copy");
                }
            }
        }
    }

    @Test
    void differentArchitecturesAreRefused() {
        ModelSpec small = ModelSpec.parse("resnet20x1-e8@3x8x8");
        ModelSpec wide = ModelSpec.parse("resnet20x2-e8@3x8x8");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Merger.prepare(
                List.of(ModelZoo.build(small, 1), ModelZoo.build(wide, 2)), randomData(small, 1, 4, 1)));
        assertTrue(e.getMessage().contains("architectures differ"), e.getMessage());
    }
}

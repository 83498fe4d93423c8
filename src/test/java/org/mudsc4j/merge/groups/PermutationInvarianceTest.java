package org.mudsc4j.merge.groups;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mudsc4j.merge.MergeFixtures;
import org.mudsc4j.zoo.ModelSpec;
import org.mudsc4j.zoo.ModelZoo;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

/**
 * The project's self-check: permuting a random model along its derived groups (structure respected) leaves its
 * outputs unchanged, for every zoo architecture; a permutation that breaks the structure does not.
 */
class PermutationInvarianceTest {

    @ParameterizedTest
    @ValueSource(strings = {"resnet20x1-e8@3x8x8", "resnet20gnx1-g4-e8@3x8x8", "resnet26-b8-e8@3x32x32",
            "resnet26gn-g4-b8-e8@3x32x32", "resnet50-b8-e8@3x32x32", "resnet50gn-g4-b8-e8@3x32x32",
            "vit-p4-d2-w16-h2-m2-e8@3x8x8"})
    void permutingAlongTheDerivedGroupsKeepsTheFunction(String specText) {
        ModelSpec spec = ModelSpec.parse(specText);
        ComputationGraph model = ModelZoo.build(spec, 3, new LossMSE(), DataType.DOUBLE);
        randomiseNormStatistics(model, new Random(5));
        UnitGroups groups = GroupDeriver.derive(model);
        Nd4j.getRandom().setSeed(11);
        ModelSpec.InputShape in = spec.input();
        INDArray x = Nd4j.randn(DataType.DOUBLE, 4, in.channels(), in.height(), in.width());
        INDArray expected = model.outputSingle(false, x);

        int[][] perms = GroupPermuter.randomPermutations(groups, new Random(7));
        ComputationGraph permuted = GroupPermuter.permute(model, groups, perms);
        double err = MergeFixtures.relativeError(expected, permuted.outputSingle(false, x));
        assertTrue(err <= 1e-4, specText + ": relative error " + err);

        // Negative control: moving one unit of every group on its output side only must change the function.
        int[][] broken = new int[perms.length][];
        ComputationGraph wrong = model.clone();
        for (UnitGroup g : groups.groups()) {
            int[] swap = identity(g.width());
            swap[0] = 1;
            swap[1] = 0;
            ParamAxis first = g.outputs().get(0);
            INDArray p = wrong.getParam(first.key());
            wrong.setParam(first.key(), ParamTensor.of(p).mapAxis(first.axis(), first.offset(),
                    AxisMap.permutation(swap)).toINDArray(p.dataType()).reshape(p.shape()));
            broken[g.id()] = swap;
        }
        assertTrue(MergeFixtures.relativeError(expected, wrong.outputSingle(false, x)) > 1e-3,
                specText + ": the control must change the output");
        if (groups.groups().stream().anyMatch(UnitGroup::isGrouped)) {
            // Ignoring the GroupNorm groups / heads: a plain random permutation of a grouped space breaks the function.
            int[][] plain = new int[perms.length][];
            Random r = new Random(9);
            for (UnitGroup g : groups.groups()) {
                plain[g.id()] = g.isGrouped() ? MergeFixtures.randomPermutation(g.width(), r) : identity(g.width());
            }
            double e2 = MergeFixtures.relativeError(expected, GroupPermuter.permute(model, groups, plain)
                    .outputSingle(false, x));
            assertTrue(e2 > 1e-3, specText + ": ignoring the structural groups must change the output, got " + e2);
        }
    }

    private static int[] identity(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        return p;
    }

    /** Non-trivial BatchNorm statistics and affine parameters, so that permuting them is actually tested. */
    static void randomiseNormStatistics(ComputationGraph model, Random random) {
        for (Map.Entry<String, INDArray> e : model.paramTable().entrySet()) {
            String k = e.getKey();
            if (k.endsWith("_mean") || k.endsWith("_log10stdev") || k.endsWith("_gamma") || k.endsWith("_beta")) {
                INDArray v = e.getValue().dup();
                for (long i = 0; i < v.length(); i++) {
                    double base = k.endsWith("_gamma") ? 1 : 0;
                    v.putScalar(i, base + 0.3 * random.nextGaussian());
                }
                model.setParam(k, v);
            }
        }
    }
}

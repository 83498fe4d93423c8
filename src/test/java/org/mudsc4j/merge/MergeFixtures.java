package org.mudsc4j.merge;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.mudsc4j.merge.groups.FeatureHook;
import org.mudsc4j.merge.groups.ParamAxis;
import org.mudsc4j.merge.groups.UnitGroup;
import org.mudsc4j.merge.groups.UnitGroups;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** A small MLP with its hand-written permutation spec, for tests of the merge engine that need no zoo model. */
public final class MergeFixtures {
    private MergeFixtures() {
    }

    /** in → fc1 → relu1 → fc2 → relu2 → … → fcL (linear, fixed output axis) → loss; double precision. */
    public static ComputationGraph mlp(int in, int[] hidden, int out, long seed) {
        ComputationGraphConfiguration.GraphBuilder b = new NeuralNetConfiguration.Builder()
                .seed(seed).dataType(DataType.DOUBLE).weightInit(WeightInit.RELU)
                .graphBuilder().addInputs("in");
        String prev = "in";
        int width = in;
        for (int l = 0; l < hidden.length; l++) {
            String fc = "fc" + (l + 1);
            b.addLayer(fc, new DenseLayer.Builder().nIn(width).nOut(hidden[l]).activation(Activation.IDENTITY)
                    .build(), prev);
            b.addLayer("relu" + (l + 1), new ActivationLayer.Builder().activation(Activation.RELU).build(), fc);
            prev = "relu" + (l + 1);
            width = hidden[l];
        }
        String last = "fc" + (hidden.length + 1);
        b.addLayer(last, new DenseLayer.Builder().nIn(width).nOut(out).activation(Activation.IDENTITY).build(), prev);
        b.addLayer("loss", new LossLayer.Builder().lossFunction(LossFunctions.LossFunction.MSE)
                .activation(Activation.IDENTITY).build(), last);
        b.setOutputs("loss");
        ComputationGraph g = new ComputationGraph(b.build());
        g.init();
        return g;
    }

    /** Group l: outputs of fc_l (W axis 1, b), inputs of fc_{l+1} (W axis 0); hook relu_l (ALGORITHM §9.5). */
    public static UnitGroups mlpGroups(int[] hidden) {
        List<UnitGroup> groups = new ArrayList<>();
        for (int l = 0; l < hidden.length; l++) {
            String fc = "fc" + (l + 1);
            String next = "fc" + (l + 2);
            groups.add(new UnitGroup(l, fc, hidden[l], 1,
                    List.of(new ParamAxis(fc, "W", 1, 0, ParamAxis.Side.OUTPUT, ParamAxis.ParamKind.PLAIN),
                            new ParamAxis(fc, "b", 0, 0, ParamAxis.Side.OUTPUT, ParamAxis.ParamKind.PLAIN)),
                    List.of(new ParamAxis(next, "W", 0, 0, ParamAxis.Side.INPUT, ParamAxis.ParamKind.PLAIN)),
                    FeatureHook.outputOf("relu" + (l + 1))));
        }
        String last = "fc" + (hidden.length + 1);
        return new UnitGroups(groups, List.of(last + "_b"));
    }

    /** A random permutation of 0..n−1. */
    public static int[] randomPermutation(int n, Random random) {
        return org.mudsc4j.merge.groups.GroupPermuter.shuffled(n, random);
    }

    /** A copy of {@code graph} with the units of group g reordered by {@code perms[g]} on every axis of the group. */
    public static ComputationGraph permute(ComputationGraph graph, UnitGroups groups, int[][] perms) {
        return org.mudsc4j.merge.groups.GroupPermuter.permute(graph, groups, perms);
    }

    /** Standard-normal inputs. */
    public static INDArray inputs(int rows, int cols, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(DataType.DOUBLE, rows, cols);
    }

    /** Activation correlation per group from one batch of inputs (the feature pass on a single batch). */
    public static Map<Integer, double[]> activationCorrelations(List<ComputationGraph> models, UnitGroups groups,
                                                                INDArray x) {
        var batch = new org.nd4j.linalg.dataset.DataSet(x, Nd4j.zeros(x.dataType(), x.size(0), 1));
        return org.mudsc4j.merge.features.FeatureCollector.collect(models, groups,
                new org.deeplearning4j.datasets.iterator.ExistingDataSetIterator(List.of(batch))).asMap();
    }

    /** Maximum absolute difference relative to the largest absolute entry of {@code expected}. */
    public static double relativeError(INDArray expected, INDArray actual) {
        double scale = expected.amaxNumber().doubleValue();
        return expected.sub(actual).amaxNumber().doubleValue() / Math.max(scale, 1e-12);
    }
}

package org.mudsc4j.merge.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.mudsc4j.merge.groups.FeatureHook;
import org.mudsc4j.merge.groups.GroupDeriver;
import org.mudsc4j.merge.groups.UnitGroup;
import org.mudsc4j.merge.groups.UnitGroups;
import org.mudsc4j.zoo.ModelSpec;
import org.mudsc4j.zoo.ModelZoo;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

/** The feature pass equals a plain two-pass double computation over the same captured activations (§12.4 item 5). */
class FeatureCollectorTest {

    private static List<DataSet> batches(ModelSpec spec, int n, int size) {
        List<DataSet> out = new ArrayList<>();
        Nd4j.getRandom().setSeed(3);
        for (int b = 0; b < n; b++) {
            INDArray x = Nd4j.randn(DataType.DOUBLE, size, spec.input().channels(), spec.input().height(),
                    spec.input().width());
            out.add(new DataSet(x, Nd4j.zeros(DataType.DOUBLE, size, 1)));
        }
        return out;
    }

    /** Two-pass reference: global mean first, then population covariance, Pearson with the 1e-7 clamp. */
    private static double[] twoPass(List<double[][]> featuresPerModel, int n) {
        int o = featuresPerModel.size() * n;
        List<double[]> samples = new ArrayList<>();
        int total = featuresPerModel.get(0).length;
        for (int s = 0; s < total; s++) {
            double[] row = new double[o];
            for (int m = 0; m < featuresPerModel.size(); m++) {
                System.arraycopy(featuresPerModel.get(m)[s], 0, row, m * n, n);
            }
            samples.add(row);
        }
        double[] mean = new double[o];
        for (double[] r : samples) {
            for (int i = 0; i < o; i++) {
                mean[i] += r[i] / samples.size();
            }
        }
        double[] cov = new double[o * o];
        for (double[] r : samples) {
            for (int i = 0; i < o; i++) {
                for (int j = 0; j < o; j++) {
                    cov[i * o + j] += (r[i] - mean[i]) * (r[j] - mean[j]) / samples.size();
                }
            }
        }
        double[] c = new double[o * o];
        for (int i = 0; i < o; i++) {
            for (int j = 0; j < o; j++) {
                double s = Math.sqrt(Math.max(cov[i * o + i], 0)) * Math.sqrt(Math.max(cov[j * o + j], 0));
                c[i * o + j] = cov[i * o + j] / Math.max(s, 1e-7);
            }
        }
        return c;
    }

    /** Rows = samples (every image × position), columns = channels [offset, offset+n) of the vertex output. */
    private static double[][] samples(ComputationGraph g, List<DataSet> data, String vertex, int offset, int n) {
        List<double[]> rows = new ArrayList<>();
        for (DataSet d : data) {
            INDArray a = g.feedForward(d.getFeatures(), false).get(vertex);
            long[] shape = a.shape();
            long spatial = a.length() / (shape[0] * shape[1]);
            INDArray r = a.reshape(shape[0], shape[1], spatial);
            for (int b = 0; b < shape[0]; b++) {
                for (int s = 0; s < spatial; s++) {
                    double[] row = new double[n];
                    for (int c = 0; c < n; c++) {
                        row[c] = r.getDouble(b, offset + c, s);
                    }
                    rows.add(row);
                }
            }
        }
        return rows.toArray(new double[0][]);
    }

    @Test
    void matchesATwoPassComputationForConvTokenAndPooledHooks() {
        ModelSpec spec = ModelSpec.parse("vit-p4-d1-w16-h2-m2-e8@3x8x8");
        ComputationGraph a = ModelZoo.build(spec, 1, new LossMSE(), DataType.DOUBLE);
        ComputationGraph b = ModelZoo.build(spec, 2, new LossMSE(), DataType.DOUBLE);
        UnitGroups groups = GroupDeriver.derive(a);
        List<DataSet> data = batches(spec, 3, 5);
        ActivationSimilarities sims = FeatureCollector.collect(List.of(a, b), groups, new ExistingDataSetIterator(data));
        assertEquals(15, sims.images());
        for (UnitGroup g : groups.groups()) {
            FeatureHook h = g.hook();
            double[] expected = twoPass(List.of(samples(a, data, h.vertex(), h.channelOffset(), g.width()),
                    samples(b, data, h.vertex(), h.channelOffset(), g.width())), g.width());
            double[] actual = sims.correlation(g.id());
            for (int k = 0; k < expected.length; k++) {
                // Features are captured as float (as the reference does in fp32), the moments in double.
                assertEquals(expected[k], actual[k], 1e-5, g.name() + " entry " + k);
            }
        }
    }

    @Test
    void deadUnitsGiveZeroRowsAndIdenticalModelsCorrelateFully() {
        ModelSpec spec = ModelSpec.parse("resnet20x1-e8@3x8x8");
        ComputationGraph a = ModelZoo.build(spec, 1, new LossMSE(), DataType.DOUBLE);
        UnitGroups groups = GroupDeriver.derive(a);
        UnitGroup inner = groups.get(1); // layer1.0.conv1 → bn1 → relu1
        // Kill unit 3 of layer1.0: BN gamma 0 and beta very negative → ReLU output 0 everywhere.
        INDArray gamma = a.getParam("layer1.0.bn1_gamma").dup();
        INDArray beta = a.getParam("layer1.0.bn1_beta").dup();
        gamma.putScalar(3, 0.0);
        beta.putScalar(3, -5.0);
        a.setParam("layer1.0.bn1_gamma", gamma);
        a.setParam("layer1.0.bn1_beta", beta);
        ActivationSimilarities sims = FeatureCollector.collect(List.of(a, a.clone()), groups,
                new ExistingDataSetIterator(batches(spec, 2, 4)));
        double[] c = sims.correlation(inner.id());
        int n = inner.width();
        int o = 2 * n;
        for (int j = 0; j < o; j++) {
            assertEquals(0.0, c[3 * o + j], 0.0, "dead unit row");
            assertEquals(0.0, c[j * o + 3], 0.0, "dead unit column");
        }
        int live = 0;
        for (int k = 0; k < n; k++) {
            if (k != 3) {
                // a unit correlates fully with its copy unless the random init left it dead too (then both are 0)
                double self = c[k * o + k];
                assertEquals(self, c[k * o + n + k], 1e-9, "unit " + k + " of A vs its copy in B");
                live += self == 1.0 ? 1 : 0;
            }
        }
        assertTrue(live >= n / 2, "only " + live + " live units: the check above would prove little");
    }

    @Test
    void aMissingHookIsNamed() {
        ModelSpec spec = ModelSpec.parse("resnet20x1-e8@3x8x8");
        ComputationGraph a = ModelZoo.build(spec, 1, new LossMSE(), DataType.DOUBLE);
        UnitGroups derived = GroupDeriver.derive(a);
        UnitGroup g0 = derived.get(0);
        UnitGroups broken = new UnitGroups(List.of(new UnitGroup(0, g0.name(), g0.width(), 1, g0.outputs(),
                g0.inputs(), FeatureHook.outputOf("no.such.vertex"))), List.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FeatureCollector.collect(
                List.of(a, a), broken, new ExistingDataSetIterator(batches(spec, 1, 2))));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("no.such.vertex"), e.getMessage());
    }
}

package org.mudsc4j.train;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.io.File;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CosineHeadLossTest {
    private static final int K = 4;
    private static final int D = 6;
    private static final int B = 5;

    private static CosineHeadLoss loss(double scale) {
        ClassEmbeddings emb = ClassEmbeddings.seeded(10, D, 3);
        return CosineHeadLoss.forTask(emb, new int[]{7, 2, 9, 0}, scale);
    }

    private static INDArray randomPreOutput(long seed) {
        Random r = new Random(seed);
        double[][] v = new double[B][D];
        for (double[] row : v) {
            for (int j = 0; j < D; j++) {
                row[j] = r.nextGaussian();
            }
        }
        return Nd4j.create(v);
    }

    private static INDArray oneHot(int... classes) {
        INDArray y = Nd4j.zeros(DataType.DOUBLE, classes.length, K);
        for (int i = 0; i < classes.length; i++) {
            y.putScalar(i, classes[i], 1.0);
        }
        return y;
    }

    @Test
    void scoreMatchesDirectFormula() {
        CosineHeadLoss loss = loss(100);
        INDArray e = randomPreOutput(1);
        INDArray y = oneHot(0, 1, 2, 3, 1);
        double[][] t = loss.classEmbeddingMatrix().castTo(DataType.DOUBLE).toDoubleMatrix();
        double total = 0;
        for (int i = 0; i < B; i++) {
            double[] row = e.getRow(i).toDoubleVector();
            double norm = Math.sqrt(java.util.Arrays.stream(row).map(x -> x * x).sum());
            double[] z = new double[K];
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < K; k++) {
                for (int j = 0; j < D; j++) {
                    z[k] += 100 * row[j] / norm * t[k][j];
                }
                max = Math.max(max, z[k]);
            }
            double sum = 0;
            for (int k = 0; k < K; k++) {
                sum += Math.exp(z[k] - max);
            }
            int label = (int) y.getRow(i).argMax().getInt(0);
            total += -(z[label] - max - Math.log(sum));
        }
        IActivation id = new ActivationIdentity();
        assertEquals(total, loss.computeScore(y, e, id, null, false), 1e-9);
        assertEquals(total / B, loss.computeScore(y, e, id, null, true), 1e-9);
        assertEquals(total, loss.computeScoreArray(y, e, id, null).sumNumber().doubleValue(), 1e-9);
        assertEquals(total / B, loss.computeGradientAndScore(y, e, id, null, true).getFirst(), 1e-9);
    }

    /**
     * An identity activation takes the Java loops, any other activation ND4J's ops; a leaky ReLU with slope 1 is
     * the identity too, so both paths must agree, in float and in double, with and without a mask.
     */
    @Test
    void javaPathMatchesNd4jPath() {
        CosineHeadLoss loss = loss(30);
        IActivation java = new ActivationIdentity();
        IActivation nd4j = new org.nd4j.linalg.activations.impl.ActivationLReLU(1.0);
        INDArray mask = Nd4j.create(new double[] {1, 0, 1, 1, 0});
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray pre = randomPreOutput(4).castTo(type);
            INDArray y = oneHot(2, 1, 0, 3, 3).castTo(type);
            double tol = type == DataType.FLOAT ? 1e-4 : 1e-10;
            for (INDArray m : new INDArray[] {null, mask}) {
                INDArray g1 = loss.computeGradient(y, pre, java, m);
                INDArray g2 = loss.computeGradient(y, pre, nd4j, m);
                assertEquals(type, g1.dataType());
                double scale = g2.amaxNumber().doubleValue();
                assertTrue(scale > 0);
                assertTrue(g1.castTo(DataType.DOUBLE).sub(g2.castTo(DataType.DOUBLE)).amaxNumber().doubleValue()
                        < tol * scale, type + " gradient, mask " + m);
                assertEquals(loss.computeScore(y, pre, nd4j, m, true), loss.computeScore(y, pre, java, m, true),
                        tol * 10);
                var pair = loss.computeGradientAndScore(y, pre, java, m, false);
                assertEquals(loss.computeScore(y, pre, nd4j, m, false), pair.getFirst(), tol * 10);
                assertTrue(pair.getSecond().equalsWithEps(g1, 1e-12));
            }
        }
    }

    @Test
    void gradientMatchesCentralDifferences() {
        // A moderate scale keeps the softmax away from saturation so finite differences are informative.
        CosineHeadLoss loss = loss(5);
        for (IActivation act : new IActivation[]{new ActivationIdentity(), new ActivationTanH()}) {
            INDArray pre = randomPreOutput(2);
            INDArray y = oneHot(3, 0, 2, 1, 3);
            INDArray grad = loss.computeGradient(y, pre, act, null);
            INDArray fromPair = loss.computeGradientAndScore(y, pre, act, null, false).getSecond();
            double eps = 1e-6;
            double maxRel = 0;
            for (int i = 0; i < B; i++) {
                for (int j = 0; j < D; j++) {
                    INDArray plus = pre.dup();
                    plus.putScalar(i, j, pre.getDouble(i, j) + eps);
                    INDArray minus = pre.dup();
                    minus.putScalar(i, j, pre.getDouble(i, j) - eps);
                    // Not divided by the batch: DL4J divides the gradient by the minibatch itself.
                    double numeric = (loss.computeScore(y, plus, act, null, false)
                            - loss.computeScore(y, minus, act, null, false)) / (2 * eps);
                    double analytic = grad.getDouble(i, j);
                    maxRel = Math.max(maxRel, Math.abs(numeric - analytic) / Math.max(1e-8,
                            Math.abs(numeric) + Math.abs(analytic)));
                    assertEquals(analytic, fromPair.getDouble(i, j), 1e-12);
                }
            }
            assertTrue(maxRel < 1e-6, act + ": max relative error " + maxRel);
        }
    }

    @Test
    void perExampleMaskZeroesRowsAndPerOutputMaskIsRejected() {
        CosineHeadLoss loss = loss(100);
        INDArray pre = randomPreOutput(4);
        INDArray y = oneHot(0, 1, 2, 3, 0);
        INDArray mask = Nd4j.create(new double[][]{{1}, {0}, {1}, {1}, {0}});
        INDArray scores = loss.computeScoreArray(y, pre, new ActivationIdentity(), mask);
        INDArray grad = loss.computeGradient(y, pre, new ActivationIdentity(), mask);
        assertEquals(0.0, scores.getDouble(1, 0));
        assertEquals(0.0, grad.getRow(4).norm2Number().doubleValue());
        assertTrue(grad.getRow(0).norm2Number().doubleValue() > 0);
        INDArray perOutput = Nd4j.ones(DataType.DOUBLE, B, K);
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> loss.computeGradient(y, pre, new ActivationIdentity(), perOutput));
        assertTrue(e.getMessage().contains("per-example"), e.getMessage());
    }

    @Test
    void rejectsMismatchedShapesAndNonUnitRows() {
        CosineHeadLoss loss = loss(100);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> loss.computeScore(Nd4j.zeros(DataType.DOUBLE, B, K + 1), randomPreOutput(5),
                        new ActivationIdentity(), null, false));
        assertTrue(e.getMessage().contains("labels"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new CosineHeadLoss(new float[]{1, 1}, 1, 2, 100));
    }

    @Test
    void survivesJsonAndModelSerializerRoundTrip(@TempDir Path dir) throws Exception {
        CosineHeadLoss loss = loss(100);
        ComputationGraph g = TinyNets.mlp(3, 8, D, loss, true, 7, DataType.FLOAT);
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(g.getConfiguration().toJson());
        assertEquals(g.getConfiguration(), back);

        DataSet data = TinyNets.blobs(20, K, 3, 1);
        File file = dir.resolve("net.zip").toFile();
        ModelSerializer.writeModel(g, file, true);
        ComputationGraph restored = ModelSerializer.restoreComputationGraph(file, true);
        double before = g.score(data);
        assertEquals(before, restored.score(data), 0.0);
        assertTrue(before > 0);
    }
}

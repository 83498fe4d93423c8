package org.mudsc4j.train;

import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.ILossFunction;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Tiny graphs and separable synthetic data for the training tests (standing in for the zoo and data package). */
final class TinyNets {
    private TinyNets() {
    }

    /** in → dense(tanh) → [BN] → linear (identity, dim) → loss; built with an unrelated updater like the zoo. */
    static ComputationGraph mlp(int nIn, int hidden, int dim, ILossFunction loss, boolean batchNorm, long seed,
                                DataType type) {
        ComputationGraphConfiguration.GraphBuilder b = new NeuralNetConfiguration.Builder()
                .seed(seed).dataType(type).updater(new Adam(1e-3))
                .graphBuilder().addInputs("in")
                .addLayer("fc1", new DenseLayer.Builder().nIn(nIn).nOut(hidden).activation(Activation.TANH).build(),
                        "in");
        String prev = "fc1";
        if (batchNorm) {
            b.addLayer("bn", new BatchNormalization.Builder().nOut(hidden).build(), "fc1");
            prev = "bn";
        }
        b.addLayer("linear", new DenseLayer.Builder().nIn(hidden).nOut(dim).activation(Activation.IDENTITY).build(),
                        prev)
                .addLayer("loss", new LossLayer.Builder().lossFunction(loss).activation(Activation.IDENTITY).build(),
                        "linear")
                .setOutputs("loss");
        ComputationGraph g = new ComputationGraph(b.build());
        g.init();
        return g;
    }

    /** {@code n} examples of {@code k} Gaussian blobs in {@code nIn} dims, task-local one-hot labels. */
    static DataSet blobs(int n, int k, int nIn, long seed) {
        Random r = new Random(seed);
        double[][] centres = new double[k][nIn];
        Random c = new Random(12345); // same centres for train and test sets
        for (double[] row : centres) {
            for (int j = 0; j < nIn; j++) {
                row[j] = 2.0 * c.nextGaussian();
            }
        }
        float[][] x = new float[n][nIn];
        float[][] y = new float[n][k];
        for (int i = 0; i < n; i++) {
            int cls = i % k;
            for (int j = 0; j < nIn; j++) {
                x[i][j] = (float) (centres[cls][j] + 0.5 * r.nextGaussian());
            }
            y[i][cls] = 1f;
        }
        return new DataSet(Nd4j.create(x), Nd4j.create(y));
    }

    /** A fresh iterator over the data in fixed-size batches, shuffled with a seed derived from {@code epoch}. */
    static DataSetIterator batches(DataSet all, int batchSize, int epoch) {
        int n = all.numExamples();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        java.util.Collections.shuffle(order, new Random(1000L + epoch));
        List<DataSet> out = new ArrayList<>();
        for (int s = 0; s < n; s += batchSize) {
            int[] idx = order.subList(s, Math.min(n, s + batchSize)).stream().mapToInt(Integer::intValue).toArray();
            INDArray f = all.getFeatures().getRows(idx);
            INDArray l = all.getLabels().getRows(idx);
            out.add(new DataSet(f, l));
        }
        return new ExistingDataSetIterator(out);
    }
}

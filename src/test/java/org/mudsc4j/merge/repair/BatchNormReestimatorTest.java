package org.mudsc4j.merge.repair;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** ALGORITHM §3.2: cumulative average of per-batch means and unbiased variances, computed in train mode. */
class BatchNormReestimatorTest {

    private static ComputationGraph twoBatchNorms() {
        var conf = new NeuralNetConfiguration.Builder().seed(4).dataType(DataType.DOUBLE).graphBuilder()
                .addInputs("in").setInputTypes(InputType.convolutional(6, 6, 2))
                .addLayer("conv1", new ConvolutionLayer.Builder(3, 3).nOut(3).activation(Activation.IDENTITY).build(),
                        "in")
                .addLayer("bn1", new BatchNormalization.Builder().build(), "conv1")
                .addLayer("conv2", new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.TANH).build(),
                        "bn1")
                .addLayer("bn2", new BatchNormalization.Builder().build(), "conv2")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "bn2")
                .addLayer("fc", new DenseLayer.Builder().nOut(2).activation(Activation.IDENTITY).build(), "pool")
                .addLayer("loss", new LossLayer.Builder().lossFunction(LossFunctions.LossFunction.MSE).build(), "fc")
                .setOutputs("loss").build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    @Test
    void runningStatisticsAreTheAverageOfPerBatchTrainModeStatistics() {
        ComputationGraph g = twoBatchNorms();
        List<DataSet> data = new ArrayList<>();
        Nd4j.getRandom().setSeed(1);
        for (int b = 0; b < 3; b++) {
            data.add(new DataSet(Nd4j.randn(DataType.DOUBLE, 5, 2, 6, 6).muli(2).addi(b), Nd4j.zeros(5, 2)));
        }
        // Expected, computed independently: bn2's input in train mode depends on bn1's batch statistics.
        ComputationGraph probe = g.clone();
        double[][] mean = new double[2][];
        double[][] var = new double[2][];
        for (DataSet d : data) {
            Map<String, INDArray> acts = probe.feedForward(d.getFeatures(), true);
            String[] inputs = {"conv1", "conv2"};
            for (int k = 0; k < 2; k++) {
                INDArray a = acts.get(inputs[k]);
                double[] m = a.mean(0, 2, 3).toDoubleVector();
                double[] v = a.var(true, 0, 2, 3).toDoubleVector();
                if (mean[k] == null) {
                    mean[k] = new double[m.length];
                    var[k] = new double[m.length];
                }
                for (int c = 0; c < m.length; c++) {
                    mean[k][c] += m[c] / data.size();
                    var[k][c] += v[c] / data.size();
                }
            }
        }
        assertEquals(2, BatchNormReestimator.reestimate(g, new ExistingDataSetIterator(data)));
        String[] bns = {"bn1", "bn2"};
        for (int k = 0; k < 2; k++) {
            double[] m = g.getParam(bns[k] + "_mean").toDoubleVector();
            double[] logStd = g.getParam(bns[k] + "_log10stdev").toDoubleVector();
            for (int c = 0; c < m.length; c++) {
                assertEquals(mean[k][c], m[c], 1e-9);
                assertEquals(var[k][c], Math.pow(10, 2 * logStd[c]) - 1e-5, 1e-8);
            }
        }

        // DL4J's inference uses exactly these statistics: y = γ(x − mean)/sqrt(var + eps) + β.
        INDArray x = data.get(0).getFeatures();
        Map<String, INDArray> acts = g.feedForward(x, false);
        INDArray in = acts.get("conv1");
        INDArray out = acts.get("bn1");
        double[] gamma = g.getParam("bn1_gamma").toDoubleVector();
        double[] beta = g.getParam("bn1_beta").toDoubleVector();
        for (int c = 0; c < 3; c++) {
            double expected = gamma[c] * (in.getDouble(1, c, 2, 3) - mean[0][c]) / Math.sqrt(var[0][c] + 1e-5)
                    + beta[c];
            // 1e-5: DL4J evaluates the normalisation through its log10-std storage, not bit-exactly.
            assertEquals(expected, out.getDouble(1, c, 2, 3), 1e-5 * Math.max(1, Math.abs(expected)));
        }
    }
}

package org.mudsc4j.merge.repair;

import java.util.ArrayList;
import java.util.List;
import me.tongfei.progressbar.ProgressBar;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.mudsc4j.data.ImageBatches;
import org.mudsc4j.dl4j.FastForward;
import org.mudsc4j.util.Progress;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-estimates the running statistics of every BatchNormalization layer the way the reference's
 * {@code reset_bn_stats} does (ALGORITHM §3.2): one pass over the data in <b>train mode</b> (so deeper layers see
 * batch-normalised activations), per layer the per-batch channel mean and <b>unbiased</b> variance of its input,
 * averaged over batches with equal weight (PyTorch's cumulative mode), written as the running mean and variance.
 *
 * <p>DL4J stores the running variance as {@code log10(sqrt(var + eps))} ({@code useLogStd}); the conversion lives
 * in {@link org.mudsc4j.dl4j.BatchNormStorage}. GroupNorm/LayerNorm models have no BatchNorm and are left as they are.
 * The training-mode pass and the moments come from {@link FastForward}.
 */
public final class BatchNormReestimator {
    private static final Logger LOG = LoggerFactory.getLogger(BatchNormReestimator.class);

    private BatchNormReestimator() {
    }

    /** @return the number of BatchNorm layers re-estimated (0: nothing to do, the data is not read) */
    public static int reestimate(ComputationGraph graph, DataSetIterator batches) {
        List<String> bnVertices = new ArrayList<>();
        for (GraphVertex v : graph.getVertices()) {
            if (v.hasLayer() && v.getLayer().conf().getLayer() instanceof BatchNormalization) {
                bnVertices.add(v.getVertexName());
            }
        }
        if (bnVertices.isEmpty()) {
            LOG.debug("no BatchNorm layer: nothing to re-estimate");
            return 0;
        }
        int n = bnVertices.size();
        double[][] meanSum = new double[n][];
        double[][] varSum = new double[n][];
        int count = 0;
        try (FastForward passes = FastForward.of(graph);
             ProgressBar bar = Progress.start("BN re-estimation", ImageBatches.batchesLeft(batches), "batch", LOG)) {
            while (batches.hasNext()) {
                List<FastForward.ChannelMoments> moments =
                        passes.batchNormInputMoments(batches.next().getFeatures(), bnVertices);
                for (int k = 0; k < n; k++) {
                    double[] mean = moments.get(k).mean();
                    double[] var = moments.get(k).unbiasedVariance();
                    if (meanSum[k] == null) {
                        meanSum[k] = new double[mean.length];
                        varSum[k] = new double[mean.length];
                    }
                    for (int c = 0; c < mean.length; c++) {
                        meanSum[k][c] += mean[c];
                        varSum[k][c] += var[c];
                    }
                }
                count++;
                bar.step();
            }
        }
        if (count == 0) {
            throw new IllegalArgumentException("BN re-estimation got no data");
        }
        for (int k = 0; k < n; k++) {
            String name = bnVertices.get(k);
            BatchNormalization conf = (BatchNormalization) graph.getVertex(name).getLayer().conf().getLayer();
            double eps = conf.getEps();
            int channels = meanSum[k].length;
            double[] mean = new double[channels];
            double[] logStd = new double[channels];
            for (int c = 0; c < channels; c++) {
                mean[c] = meanSum[k][c] / count;
                logStd[c] = org.mudsc4j.dl4j.BatchNormStorage.log10Std(varSum[k][c] / count, eps);
            }
            write(graph, name + "_mean", mean);
            if (conf.isUseLogStd()) {
                write(graph, name + "_log10stdev", logStd);
            } else {
                double[] var = new double[channels];
                for (int c = 0; c < channels; c++) {
                    var[c] = varSum[k][c] / count;
                }
                write(graph, name + "_var", var);
            }
        }
        LOG.info("re-estimated {} BatchNorm layers over {} batches", n, count);
        return n;
    }

    private static void write(ComputationGraph graph, String key, double[] values) {
        INDArray current = graph.getParam(key);
        if (current == null) {
            throw new IllegalStateException("BatchNorm parameter " + key + " not found");
        }
        graph.setParam(key, Nd4j.createFromArray(values).castTo(current.dataType()).reshape(current.shape()));
    }
}

package org.mudsc4j.merge.features;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.mudsc4j.merge.groups.UnitGroup;
import org.mudsc4j.merge.groups.UnitGroups;
import org.mudsc4j.merge.similarity.CorrelationAccumulator;
import org.mudsc4j.data.ImageBatches;
import org.mudsc4j.dl4j.FastForward;
import org.mudsc4j.util.Progress;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The feature pass (ALGORITHM §4): runs every batch through every model in inference mode, reads each group's hooked
 * activation, and accumulates one double-precision correlation per group across the models.
 *
 * <p>Activations come from {@link FastForward#activations}: detached copies of the hooked vertices' outputs only,
 * batch by batch. Every spatial position or token
 * of every image is a sample; the batch's image count weighs its moments.
 */
public final class FeatureCollector {
    private static final Logger LOG = LoggerFactory.getLogger(FeatureCollector.class);

    private FeatureCollector() {
    }

    public static ActivationSimilarities collect(List<ComputationGraph> models, UnitGroups groups,
                                                 DataSetIterator batches) {
        int numModels = models.size();
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        Map<Integer, CorrelationAccumulator> acc = new HashMap<>();
        for (UnitGroup g : groups.groups()) {
            acc.put(g.id(), new CorrelationAccumulator(numModels, g.width(), threads));
        }
        List<String> hooks = groups.groups().stream().map(g -> g.hook().vertex()).distinct().toList();
        List<FastForward> passes = models.stream().map(FastForward::of).toList();
        long images = 0;
        try (ProgressBar bar = Progress.start("feature pass", ImageBatches.batchesLeft(batches), "batch", LOG)) {
            while (batches.hasNext()) {
                INDArray x = batches.next().getFeatures();
                int b = (int) x.size(0);
                List<Map<String, INDArray>> acts = new ArrayList<>(numModels);
                for (FastForward m : passes) {
                    acts.add(m.activations(x, hooks));
                }
                for (UnitGroup g : groups.groups()) {
                    float[][] feats = new float[numModels][];
                    int samples = -1;
                    for (int i = 0; i < numModels; i++) {
                        INDArray a = acts.get(i).get(g.hook().vertex());
                        if (a == null) {
                            throw new IllegalArgumentException("group " + g.name() + ": model " + i
                                    + " has no activation for hook vertex " + g.hook().vertex());
                        }
                        feats[i] = channelMajor(a, g.hook().channelOffset(), g.width(), g.name());
                        samples = feats[i].length / g.width();
                    }
                    acc.get(g.id()).accumulate(feats, samples, b);
                }
                images += b;
                bar.step();
            }
        } finally {
            passes.forEach(FastForward::close);
        }
        if (images == 0) {
            throw new IllegalArgumentException("the feature pass got no data");
        }
        Map<Integer, double[]> out = new HashMap<>();
        acc.forEach((id, a) -> out.put(id, a.correlation()));
        LOG.info("activation correlations of {} groups from {} images", out.size(), images);
        return new ActivationSimilarities(out, images);
    }

    /**
     * Channels {@code [offset, offset + width)} of an activation with the channel axis at 1, as a channel-major
     * {@code width × samples} float block (samples = every other axis).
     */
    static float[] channelMajor(INDArray a, int offset, int width, String group) {
        if (a.rank() < 2 || a.size(1) < offset + width) {
            throw new IllegalArgumentException("group " + group + ": hooked activation of shape "
                    + java.util.Arrays.toString(a.shape()) + " has no channels [" + offset + ", " + (offset + width)
                    + ") on axis 1");
        }
        INDArrayIndex[] idx = new INDArrayIndex[a.rank()];
        for (int d = 0; d < idx.length; d++) {
            idx[d] = d == 1 ? NDArrayIndex.interval(offset, offset + width) : NDArrayIndex.all();
        }
        INDArray slice = a.get(idx);
        int[] perm = new int[a.rank()];
        perm[0] = 1;
        perm[1] = 0;
        for (int d = 2; d < perm.length; d++) {
            perm[d] = d;
        }
        return slice.permute(perm).dup('c').castTo(DataType.FLOAT).data().asFloat();
    }
}

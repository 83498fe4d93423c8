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
import org.mudsc4j.dl4j.ActivationLayouts.ChannelRows;
import org.mudsc4j.dl4j.FastForward;
import org.mudsc4j.util.Progress;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The feature pass (ALGORITHM §4): runs every batch through every model in inference mode, reads each group's hooked
 * activation, and accumulates one double-precision correlation per group across the models.
 *
 * <p>Activations come from {@link FastForward#channelRows}: the hooked vertices' outputs only, batch by batch, as
 * channel-major rows, so a group's channels are a contiguous range of rows and need no copy. Every spatial position
 * or token of every image is a sample; the batch's image count weighs its moments.
 */
public final class FeatureCollector {
    private static final Logger LOG = LoggerFactory.getLogger(FeatureCollector.class);

    private FeatureCollector() {
    }

    public static ActivationSimilarities collect(List<ComputationGraph> models, UnitGroups groups,
                                                 DataSetIterator batches) {
        int numModels = models.size();
        Map<Integer, CorrelationAccumulator> acc = new HashMap<>();
        for (UnitGroup g : groups.groups()) {
            acc.put(g.id(), new CorrelationAccumulator(numModels, g.width()));
        }
        List<String> hooks = groups.groups().stream().map(g -> g.hook().vertex()).distinct().toList();
        List<FastForward> passes = models.stream().map(FastForward::of).toList();
        long images = 0;
        try (ProgressBar bar = Progress.start("feature pass", ImageBatches.batchesLeft(batches), "batch", LOG)) {
            while (batches.hasNext()) {
                INDArray x = batches.next().getFeatures();
                int b = (int) x.size(0);
                List<Map<String, ChannelRows>> acts = new ArrayList<>(numModels);
                for (FastForward m : passes) {
                    acts.add(m.channelRows(x, hooks));
                }
                for (UnitGroup g : groups.groups()) {
                    float[][] rows = new float[numModels][];
                    int samples = -1;
                    for (int i = 0; i < numModels; i++) {
                        ChannelRows a = acts.get(i).get(g.hook().vertex());
                        if (a == null) {
                            throw new IllegalArgumentException("group " + g.name() + ": model " + i
                                    + " has no activation for hook vertex " + g.hook().vertex());
                        }
                        int end = g.hook().channelOffset() + g.width();
                        if (a.channels() < end) {
                            throw new IllegalArgumentException("group " + g.name() + ": hooked activation of "
                                    + g.hook().vertex() + " (model " + i + ") has " + a.channels()
                                    + " channels, expected at least " + end);
                        }
                        rows[i] = a.values();
                        samples = a.samples();
                    }
                    acc.get(g.id()).accumulate(rows, g.hook().channelOffset(), samples, b);
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
}

package org.mudsc4j.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.mudsc4j.merge.MergeMethod;
import org.mudsc4j.merge.Merger;
import org.mudsc4j.merge.plan.DualSpaceSearch;
import org.mudsc4j.zoo.ModelSpec;
import org.mudsc4j.zoo.ModelZoo;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Times every stage of a merge of two independently initialised zoo models on random images: group derivation, base
 * BatchNorm re-estimation, the feature pass, then per method the weight similarities, the matching, applying and the
 * merged model's BatchNorm re-estimation. Random weights and images exercise exactly the code a trained pair does;
 * only the number of sweeps until convergence depends on the weights.
 */
public final class MergeBench {
    private static final Logger log = LoggerFactory.getLogger(MergeBench.class);

    private MergeBench() {
    }

    /**
     * Stage times of one merge.
     *
     * @param model        compact model spec
     * @param method       merge method
     * @param images       images in the data passes
     * @param sweeps       weight-space sweeps run
     * @param seconds      stage → seconds, in pipeline order
     */
    public record Result(String model, MergeMethod method, int images, int sweeps, Map<String, Double> seconds) {
        /** Seconds per sweep of similarity + matching (NaN without sweeps). */
        public double secondsPerSweep() {
            return sweeps == 0 ? Double.NaN
                    : (seconds.getOrDefault("weight similarity", 0.0) + seconds.getOrDefault("matching", 0.0)) / sweeps;
        }
    }

    /**
     * @param spec      model (input shape included)
     * @param methods   methods to time; the one-off stages are shared and reported with the first
     * @param images    images per data pass
     * @param batchSize batch size of the data passes
     * @param alpha     balanced factor of the MuDSC variants
     */
    public static List<Result> run(ModelSpec spec, List<MergeMethod> methods, int images, int batchSize, double alpha) {
        ComputationGraph a = ModelZoo.build(spec, 1);
        ComputationGraph b = ModelZoo.build(spec, 2);
        Supplier<DataSetIterator> data = randomImages(spec, images, batchSize);
        Merger merger = Merger.prepare(List.of(a, b), data);
        merger.activations();
        List<Result> out = new ArrayList<>();
        for (MergeMethod method : methods) {
            log.info("timing {} on {}", method, spec.compact());
            Merger.Result r = merger.merge(method, DualSpaceSearch.Options.defaults(alpha));
            Map<String, Double> s = new LinkedHashMap<>();
            if (out.isEmpty()) {
                s.putAll(merger.prepareSeconds());
            }
            s.put("weight similarity", r.plan().similaritySeconds());
            s.put("matching", r.plan().matchingSeconds());
            s.put("apply", r.seconds().get("apply"));
            s.put("merged BN reset", r.seconds().get("merged BN reset"));
            out.add(new Result(spec.compact(), method, images, r.plan().sweeps().size(), s));
        }
        return out;
    }

    private static Supplier<DataSetIterator> randomImages(ModelSpec spec, int images, int batchSize) {
        List<DataSet> batches = new ArrayList<>();
        Nd4j.getRandom().setSeed(0);
        ModelSpec.InputShape in = spec.input();
        for (int done = 0; done < images; done += batchSize) {
            int n = Math.min(batchSize, images - done);
            INDArray x = Nd4j.randn(DataType.FLOAT, n, in.channels(), in.height(), in.width());
            batches.add(new DataSet(x, Nd4j.zeros(DataType.FLOAT, n, 1)));
        }
        return () -> new ExistingDataSetIterator(batches);
    }
}

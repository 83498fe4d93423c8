package org.mudsc4j.merge;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.mudsc4j.merge.apply.MergeApplier;
import org.mudsc4j.merge.apply.ModelParams;
import org.mudsc4j.merge.features.FeatureCollector;
import org.mudsc4j.merge.groups.GroupDeriver;
import org.mudsc4j.merge.groups.UnitGroups;
import org.mudsc4j.merge.plan.DualSpaceSearch;
import org.mudsc4j.merge.plan.MergePlan;
import org.mudsc4j.merge.repair.BatchNormReestimator;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The merge procedure of ALGORITHM §3.1, steps 3–5, for N models of one architecture:
 * derive the groups → re-estimate the base models' BatchNorm statistics on the union training data → (once, on
 * first use) collect activation correlations → search matches with the chosen method → apply them → re-estimate the
 * merged model's BatchNorm statistics.
 *
 * <p>One instance serves many merges: the repaired base models and the activation correlations are computed once and
 * reused for every method and every α (the reference recomputes the feature pass per α; the result is the same
 * because the pass is deterministic). The input graphs are never modified.
 */
public final class Merger {
    private static final Logger log = LoggerFactory.getLogger(Merger.class);

    private final UnitGroups groups;
    private final List<ComputationGraph> repaired;
    private final List<ModelParams> params;
    private final Supplier<DataSetIterator> unionTrain;
    private final Map<String, Double> prepareSeconds = new LinkedHashMap<>();
    private Map<Integer, double[]> activations;

    private Merger(UnitGroups groups, List<ComputationGraph> repaired, Supplier<DataSetIterator> unionTrain) {
        this.groups = groups;
        this.repaired = List.copyOf(repaired);
        this.unionTrain = unionTrain;
        List<ModelParams> p = new ArrayList<>();
        for (int i = 0; i < repaired.size(); i++) {
            p.add(ModelParams.read(repaired.get(i), groups, modelName(i)));
        }
        this.params = List.copyOf(p);
    }

    /** The result of one merge: the merged graph, the plan that formed it and the seconds each stage took. */
    public record Result(ComputationGraph merged, MergePlan plan, Map<String, Double> seconds) {
    }

    /**
     * Checks that the models share one architecture, derives its groups, and re-estimates BatchNorm statistics of
     * copies of the models on {@code unionTrain} (a fresh pass over the union training data, with training
     * augmentation, deterministic per call).
     *
     * @throws IllegalArgumentException when fewer than two models are given, the architectures differ, or a model
     *                                  holds NaN/Inf parameters
     */
    public static Merger prepare(List<ComputationGraph> models, Supplier<DataSetIterator> unionTrain) {
        if (models.size() < 2) {
            throw new IllegalArgumentException("merging needs at least 2 models, got " + models.size());
        }
        for (int i = 1; i < models.size(); i++) {
            checkSameArchitecture(models.get(0), models.get(i), i);
        }
        long t0 = System.nanoTime();
        UnitGroups groups = GroupDeriver.derive(models.get(0));
        log.info("{} permutation groups derived from the graph", groups.size());
        double deriveSeconds = seconds(t0);
        List<ComputationGraph> repaired = new ArrayList<>();
        long t1 = System.nanoTime();
        for (int i = 0; i < models.size(); i++) {
            ComputationGraph copy = models.get(i).clone();
            BatchNormReestimator.reestimate(copy, unionTrain.get());
            repaired.add(copy);
        }
        Merger merger = new Merger(groups, repaired, unionTrain);
        merger.prepareSeconds.put("groups", deriveSeconds);
        merger.prepareSeconds.put("base BN reset", seconds(t1));
        return merger;
    }

    public UnitGroups groups() {
        return groups;
    }

    /** The base models after BatchNorm re-estimation (what the similarities are computed on). */
    public List<ComputationGraph> baseModels() {
        return repaired;
    }

    /** Seconds spent by the one-off stages so far (group derivation, base BN reset, feature pass). */
    public Map<String, Double> prepareSeconds() {
        return Map.copyOf(prepareSeconds);
    }

    /** Activation correlation of every group (ALGORITHM §4), computed on first use. */
    public synchronized Map<Integer, double[]> activations() {
        if (activations == null) {
            long t = System.nanoTime();
            activations = FeatureCollector.collect(repaired, groups, unionTrain.get()).asMap();
            prepareSeconds.put("feature pass", seconds(t));
        }
        return activations;
    }

    /** Merges the models with {@code method}; α, seed and sweep limits come from {@code options}. */
    public Result merge(MergeMethod method, DualSpaceSearch.Options options) {
        Map<String, Double> seconds = new LinkedHashMap<>();
        Map<Integer, double[]> act = method.usesActivations() ? activations() : null;
        long t = System.nanoTime();
        MergePlan plan = new DualSpaceSearch(groups, params).run(method, options, act);
        seconds.put("matching", seconds(t));
        t = System.nanoTime();
        ComputationGraph merged = repaired.get(0).clone();
        MergeApplier.merge(groups, params, plan.state()).writeInto(merged, groups);
        seconds.put("apply", seconds(t));
        t = System.nanoTime();
        BatchNormReestimator.reestimate(merged, unionTrain.get());
        seconds.put("merged BN reset", seconds(t));
        log.info("{} (alpha {}): {} sweeps, objective {}", method, options.alpha(), plan.sweeps().size(),
                String.format(java.util.Locale.ROOT, "%.6f", plan.objective()));
        return new Result(merged, plan, seconds);
    }

    private static void checkSameArchitecture(ComputationGraph reference, ComputationGraph other, int index) {
        Map<String, INDArray> a = reference.paramTable();
        Map<String, INDArray> b = other.paramTable();
        if (!a.keySet().equals(b.keySet())) {
            List<String> onlyA = new ArrayList<>(a.keySet());
            onlyA.removeAll(b.keySet());
            List<String> onlyB = new ArrayList<>(b.keySet());
            onlyB.removeAll(a.keySet());
            throw new IllegalArgumentException("architectures differ: " + modelName(0) + " has parameters " + onlyA
                    + " that " + modelName(index) + " lacks, and " + modelName(index) + " has " + onlyB);
        }
        for (Map.Entry<String, INDArray> e : a.entrySet()) {
            long[] sa = e.getValue().shape();
            long[] sb = b.get(e.getKey()).shape();
            if (!Arrays.equals(sa, sb)) {
                throw new IllegalArgumentException("architectures differ: parameter " + e.getKey() + " has shape "
                        + Arrays.toString(sa) + " in " + modelName(0) + " but " + Arrays.toString(sb) + " in "
                        + modelName(index));
            }
        }
    }

    static String modelName(int index) {
        return "model " + (char) ('A' + Math.min(index, 25));
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}

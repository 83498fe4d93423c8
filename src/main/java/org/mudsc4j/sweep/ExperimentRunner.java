package org.mudsc4j.sweep;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.mudsc4j.data.ClassSplit;
import org.mudsc4j.data.DatasetKind;
import org.mudsc4j.data.SplitPair;
import org.mudsc4j.data.SplitRuns;
import org.mudsc4j.eval.Accuracies;
import org.mudsc4j.eval.PairEvaluation;
import org.mudsc4j.merge.MergeMethod;
import org.mudsc4j.merge.Merger;
import org.mudsc4j.merge.plan.DualSpaceSearch;
import org.mudsc4j.train.ClassEmbeddings;
import org.mudsc4j.train.TrainConfig;
import org.mudsc4j.util.Progress;
import org.mudsc4j.zoo.ModelSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one experiment the way the paper's procedure reads (ALGORITHM §3.1): for every pair, train or load the two
 * task models → prepare the merge (BN re-estimation, groups, features, computed once) → merge with every method,
 * choosing α on training data for the MuDSC variants → evaluate on the union test set. Returns the measurements;
 * {@link ExperimentReport} writes them.
 */
public final class ExperimentRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ExperimentRunner.class);
    /** α used by methods that have none (it is ignored by them). */
    private static final double UNUSED_ALPHA = 0.5;

    /**
     * @param datasetsDir      folder holding the datasets
     * @param checkpointsRoot  where task checkpoints live (reused when finished, resumed when interrupted)
     * @param retrain          retrain task models even when finished checkpoints exist
     */
    public record Settings(Path datasetsDir, Path checkpointsRoot, boolean retrain) {
    }

    private final Settings settings;

    public ExperimentRunner(Settings settings) {
        this.settings = settings;
    }

    public List<PairResult> run(ExperimentDefinition def) throws IOException {
        DatasetKind kind = def.datasetKind();
        ModelSpec spec = TaskModelTraining.inputShaped(def.modelSpec(), kind);
        ClassEmbeddings embeddings = ClassEmbeddings.seeded(kind.numClasses(), 0);
        List<SplitPair> runs = SplitRuns.reference(kind, SplitRuns.REFERENCE_RUNS);
        List<MergeMethod> methods = def.methods();
        List<PairResult> results = new ArrayList<>();
        long steps = (long) def.pairs().size() * (2 + 1 + methods.size());
        try (ProgressBar bar = Progress.start("experiment " + def.name(), steps, "step", LOG)) {
            for (int run : def.pairs()) {
                SplitPair pair = runs.get(run);
                LOG.info("Pair {} (run {}): tasks {}", results.size() + 1, run, pair);
                List<ComputationGraph> models = new ArrayList<>();
                List<ClassSplit> tasks = List.of(pair.first(), pair.second());
                for (int side = 0; side < tasks.size(); side++) {
                    var task = tasks.get(side);
                    ExperimentDefinition.Training t = def.train();
                    // Model B gets seed + 1: the two models start from independent random inits, as in the reference.
                    long seed = t.seed() + side;
                    Path zip = settings.checkpointsRoot().resolve(Path.of(kind.id(), spec.compact(), task.dirName(),
                            "seed" + seed + "-e" + t.epochs() + "-n" + t.perClass() + ".zip"));
                    models.add(TaskModelTraining.run(new TaskModelTraining.Request(kind, settings.datasetsDir(), spec,
                            task, TrainConfig.of(t.epochs(), t.batch(), t.lr(), seed), t.perClass(), embeddings,
                            zip, settings.retrain(), t.monitorImagesPerClass())).graph());
                    bar.step();
                }
                results.add(mergePair(def, run, pair, models, embeddings, bar));
            }
        }
        return results;
    }

    private PairResult mergePair(ExperimentDefinition def, int run, SplitPair pair, List<ComputationGraph> models,
                                 ClassEmbeddings embeddings, ProgressBar bar) throws IOException {
        ExperimentDefinition.MergeSettings ms = def.merge();
        PairData data = PairData.load(def.datasetKind(), settings.datasetsDir(), List.of(pair.first(), pair.second()),
                ms.batch(), ms.passes(), def.alpha().selectionPerClass(), def.evalPerClass(), ms.seed());
        PairEvaluation.Bases bases = PairEvaluation.evaluateBases(models.get(0), models.get(1),
                data.unionTest().epoch(0), embeddings, pair);
        Merger merger = Merger.prepare(models, () -> data.unionTrain().epoch(0));
        merger.activations();
        bar.step();

        List<PairResult.MethodResult> methodResults = new ArrayList<>();
        for (MergeMethod method : def.methods()) {
            Merger.Result chosen;
            double alpha = Double.NaN;
            List<PairResult.AlphaPoint> curve = List.of();
            if (method.mixesSimilarities()) {
                // Keep only the best merged model so far (same rule as AlphaSweep: first strict maximum of Joint).
                Merger.Result[] best = {null};
                double[] bestJoint = {Double.NEGATIVE_INFINITY};
                AlphaSweep.Outcome outcome = AlphaSweep.run(def.alpha(), x -> {
                    Merger.Result r = merger.merge(method, options(x, ms));
                    Accuracies acc = PairEvaluation.evaluate(r.merged(), data.selection().epoch(0), embeddings, pair);
                    if (acc.joint() > bestJoint[0]) {
                        bestJoint[0] = acc.joint();
                        best[0] = r;
                    }
                    return acc;
                });
                alpha = outcome.best().alpha();
                chosen = best[0];
                curve = outcome.byAlpha().stream().map(p -> new PairResult.AlphaPoint(p.alpha(), p.accuracies()))
                        .toList();
            } else {
                chosen = merger.merge(method, options(UNUSED_ALPHA, ms));
            }
            Accuracies test = PairEvaluation.evaluate(chosen.merged(), data.unionTest().epoch(0), embeddings, pair);
            LOG.info("run {} {}{}: Joint {} Avg {}", run, method,
                    Double.isNaN(alpha) ? "" : " (alpha " + alpha + ")", pct(test.joint()), pct(test.avg()));
            Map<String, Double> seconds = new LinkedHashMap<>(chosen.seconds());
            seconds.put("weight similarity", chosen.plan().similaritySeconds());
            methodResults.add(new PairResult.MethodResult(method.id(), test, alpha, chosen.plan().sweeps().size(),
                    curve, seconds));
            bar.step();
        }
        return new PairResult(run, pair.toString(), bases.modelA(), bases.modelB(), bases.ensemble(),
                methodResults);
    }

    private static DualSpaceSearch.Options options(double alpha, ExperimentDefinition.MergeSettings ms) {
        return DualSpaceSearch.Options.defaults(alpha).withSeed(ms.seed()).withOrder(ms.sweepOrder());
    }

    private static String pct(double v) {
        return String.format(java.util.Locale.ROOT, "%.2f", 100 * v);
    }
}

package org.mudsc4j.cli;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mudsc4j.dl4j.Dl4jRuntime;
import org.mudsc4j.eval.Accuracies;
import org.mudsc4j.eval.PairEvaluation;
import org.mudsc4j.merge.MergeMethod;
import org.mudsc4j.merge.MergedModelFile;
import org.mudsc4j.merge.Merger;
import org.mudsc4j.merge.plan.DualSpaceSearch;
import org.mudsc4j.merge.plan.MergePlan;
import org.mudsc4j.report.AccuracyTable;
import org.mudsc4j.sweep.PairData;
import org.mudsc4j.sweep.TrainPasses;
import org.mudsc4j.train.ClassEmbeddings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Merges two or more task checkpoints with one of the seven methods, evaluates and saves the merged model. */
@Command(name = "merge", mixinStandardHelpOptions = true,
        description = {"Merge finished task checkpoints (same architecture, disjoint tasks) into one model.",
                "Steps (ALGORITHM.md 3.1): BN re-estimation of the inputs on the union training data, feature pass,"
                        + " matching, applying, BN re-estimation of the merged model; then Joint / Task / Avg accuracy"
                        + " of the merged model, the inputs and their ensemble on the union test data."})
public final class MergeCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(MergeCommand.class);

    @Parameters(arity = "2..*", paramLabel = "CHECKPOINT", description = "Task checkpoints (.zip); the first is the anchor")
    List<Path> checkpoints;
    @Option(names = "--method", defaultValue = "mudsc-zip",
            description = "avg | rebasin | act-align | mudsc-align | zipit | weight-zip | mudsc-zip, a comma list of"
                    + " them, or all; several methods share one BN re-estimation and feature pass (default: ${DEFAULT-VALUE})")
    String method;
    @Option(names = "--alpha", defaultValue = "0.5",
            description = "Balanced factor: weight on the weight-space similarity, in [0,1] (MuDSC variants; default: ${DEFAULT-VALUE})")
    double alpha;
    @Option(names = "--datasets-dir", defaultValue = Installation.HOME + "/datasets", description = "Folder holding the datasets (default: ${DEFAULT-VALUE})")
    Path datasetsDir;
    @Option(names = "--embeddings", description = "Class-embedding .npy the checkpoints were trained with (default: the seeded set)")
    Path embeddingsFile;
    @Mixin
    DataPassOptions passes;
    @Option(names = "--seed", defaultValue = "0", description = "Seed of the sweep order and the data passes (default: ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--max-sweeps", defaultValue = "100", description = "Maximum weight-space sweeps (default: ${DEFAULT-VALUE})")
    int maxSweeps;
    @Option(names = "--patience", defaultValue = "5", description = "Stop after this many sweeps without gain (default: ${DEFAULT-VALUE})")
    int patience;
    @Option(names = "--out", description = "Merged model .zip; with several methods, the folder for <method>[-a<alpha>].zip"
            + " (default: results/merged/<dataset>/<model>/<method>[-a<alpha>].zip)")
    Path out;
    @Option(names = "--overwrite", description = "Replace an existing merged model")
    boolean overwrite;

    @Override
    public Integer call() throws Exception {
        List<MergeMethod> methods = MergeMethod.parseList(method);
        DualSpaceSearch.Options options = new DualSpaceSearch.Options(alpha, seed, maxSweeps, patience,
                passes.sweepOrder());
        TrainPasses trainPasses = passes.passes();
        MergeInputs inputs = MergeInputs.load(checkpoints);
        ClassEmbeddings embeddings = inputs.embeddings(embeddingsFile);
        Map<MergeMethod, Path> targets = targets(methods, inputs);
        for (Path target : targets.values()) {
            MergedModelFile.checkTarget(target, overwrite);
        }
        PairData data = PairData.load(inputs.kind(), datasetsDir, inputs.splits(), passes.batch, trainPasses, 1, 0,
                seed);
        LOG.info("Merging {} models of {} on {} with {} ({} training images for features and BN)",
                checkpoints.size(), inputs.architecture(), inputs.kind().id(), methods, data.unionTrain().size());

        // BN re-estimation of the inputs and the feature pass run once, for every method.
        Merger merger = Merger.prepare(inputs.models(), () -> data.unionTrain().epoch(0));
        boolean evaluate = inputs.splits().size() == 2;
        AccuracyTable table = new AccuracyTable();
        if (evaluate) {
            // Base rows use the models as trained (the BN-repaired copies only serve the merge).
            PairEvaluation.Bases bases = PairEvaluation.evaluateBases(inputs.models().get(0), inputs.models().get(1),
                    data.unionTest().epoch(0), embeddings, data.pair());
            table.add("model A " + inputs.splits().get(0), bases.modelA());
            table.add("model B " + inputs.splits().get(1), bases.modelB());
            table.add("ensemble", bases.ensemble());
        } else {
            LOG.info("{} tasks: per-task metrics of the paper's table are defined for two; skipping evaluation",
                    inputs.splits().size());
        }
        for (MergeMethod m : methods) {
            Merger.Result result = merger.merge(m, options);
            Map<String, Double> metrics = new LinkedHashMap<>();
            if (evaluate) {
                Accuracies merged = PairEvaluation.evaluate(result.merged(), data.unionTest().epoch(0), embeddings,
                        data.pair());
                table.add(m.paperName() + (m.mixesSimilarities() ? " (alpha " + alpha + ")" : ""), merged);
                metrics.put("joint", merged.joint());
                metrics.put("avg", merged.avg());
                metrics.put("taskA", merged.taskA());
                metrics.put("taskB", merged.taskB());
            }
            save(targets.get(m), m, result, merger, inputs, trainPasses, metrics);
        }
        if (evaluate) {
            System.out.print(table.toMarkdown());
        }
        return 0;
    }

    /**
     * Where each merged model goes: {@code --out} is the file for one method and the folder for several; by default
     * {@code results/merged/<dataset>/<model>/<method>[-a<alpha>].zip} in the installation.
     */
    private Map<MergeMethod, Path> targets(List<MergeMethod> methods, MergeInputs inputs) {
        Path folder = out != null && methods.size() > 1 ? out
                : Installation.resolve("results", "merged", inputs.kind().id(), inputs.architecture());
        Map<MergeMethod, Path> targets = new LinkedHashMap<>();
        for (MergeMethod m : methods) {
            targets.put(m, out != null && methods.size() == 1 ? out : folder.resolve(m.id()
                    + (m.mixesSimilarities() ? String.format(Locale.ROOT, "-a%.2f", alpha) : "") + ".zip"));
        }
        return targets;
    }

    private void save(Path target, MergeMethod m, Merger.Result result, Merger merger, MergeInputs inputs,
                      TrainPasses trainPasses, Map<String, Double> metrics) throws java.io.IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("dataset", inputs.kind().id());
        meta.put("splits", inputs.splits().toString());
        meta.put("embeddings", inputs.embeddingsId());
        // how the data passes were fed, so a parity run can be told from a default one
        meta.put("perClass", Integer.toString(trainPasses.perClass()));
        meta.put("trainIndices", trainPasses.givenOrder() ? trainPasses.indicesFile().toString() : "");
        meta.put("augment", trainPasses.augment().id());
        meta.put("order", passes.sweepOrder().id());
        meta.put("batch", Integer.toString(passes.batch));
        Map<String, Double> seconds = new LinkedHashMap<>(merger.prepareSeconds());
        seconds.putAll(result.seconds());
        MergedModelFile.save(target, result.merged(), new MergedModelFile.Info(inputs.architecture(), m.id(), alpha,
                seed, checkpoints.stream().map(Path::toString).toList(), meta,
                result.plan().sweeps().stream().map(MergePlan.Sweep::objective).toList(), metrics, seconds,
                Dl4jRuntime.software(), Instant.now().toString()), overwrite);
        LOG.info("Merged model ({}) written to {}", m.id(), target);
    }
}

package org.mudsc4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.mudsc4j.eval.Accuracies;
import org.mudsc4j.eval.PairEvaluation;
import org.mudsc4j.merge.MergeMethod;
import org.mudsc4j.merge.Merger;
import org.mudsc4j.merge.plan.DualSpaceSearch;
import org.mudsc4j.merge.plan.SweepOrder;
import org.mudsc4j.sweep.AlphaSweep;
import org.mudsc4j.sweep.ExperimentDefinition;
import org.mudsc4j.sweep.PairData;
import org.mudsc4j.train.ClassEmbeddings;
import org.mudsc4j.util.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The α search of one pair on its own: merge at every candidate α, score on training data, report the test result. */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = {"Sweep the balanced factor alpha of a MuDSC method for two task checkpoints (Arbiter grid or"
                + " random search): Joint/Avg on training data per alpha, the best alpha by training Joint, and its"
                + " test accuracy. The feature pass runs once and is reused for every alpha."})
public final class SweepCommand implements Callable<Integer> {
    @Parameters(arity = "2", paramLabel = "CHECKPOINT", description = "The two task checkpoints")
    List<Path> checkpoints;
    @Option(names = "--method", defaultValue = "mudsc-zip", description = "mudsc-zip | mudsc-align (default: ${DEFAULT-VALUE})")
    String method;
    @Option(names = "--search", defaultValue = "grid", description = "grid | random (default: ${DEFAULT-VALUE})")
    String search;
    @Option(names = "--min", defaultValue = "0.1", description = "Smallest alpha (default: ${DEFAULT-VALUE})")
    double min;
    @Option(names = "--max", defaultValue = "0.9", description = "Largest alpha (default: ${DEFAULT-VALUE})")
    double max;
    @Option(names = "--count", defaultValue = "9", description = "Grid points or random candidates (default: ${DEFAULT-VALUE})")
    int count;
    @Option(names = "--selection-per-class", defaultValue = "200",
            description = "Training images per class used to choose alpha (default: ${DEFAULT-VALUE})")
    int selectionPerClass;
    @Mixin
    DataPassOptions passes;
    @Option(names = "--seed", defaultValue = "0", description = "Seed of the data passes, sweep order and random search (default: ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--datasets-dir", defaultValue = Installation.HOME + "/datasets", description = "Folder holding the datasets (default: ${DEFAULT-VALUE})")
    Path datasetsDir;
    @Option(names = "--embeddings", description = "Class-embedding .npy the checkpoints were trained with (default: the seeded set)")
    Path embeddingsFile;
    @Option(names = "--out", description = "Also write the per-alpha table as CSV here")
    Path out;
    @Option(names = "--overwrite", description = "Replace an existing --out file")
    boolean overwrite;

    @Override
    public Integer call() throws Exception {
        MergeMethod m = MergeMethod.parse(method);
        if (!m.mixesSimilarities()) {
            throw new IllegalArgumentException(m + " has no alpha; sweep mudsc-zip or mudsc-align");
        }
        if (out != null && Files.exists(out) && !overwrite) {
            throw new IllegalArgumentException(out + " already exists; pass --overwrite to replace it");
        }
        if (out != null) {
            AtomicFiles.requireWritable(out);
        }
        var settings = new ExperimentDefinition.AlphaSettings(search, min, max, count, selectionPerClass, seed).check();
        MergeInputs inputs = MergeInputs.load(checkpoints);
        ClassEmbeddings embeddings = inputs.embeddings(embeddingsFile);
        PairData data = PairData.load(inputs.kind(), datasetsDir, inputs.splits(), passes.batch, passes.passes(),
                selectionPerClass, 0, seed);
        SweepOrder order = passes.sweepOrder();
        var pair = data.pair();
        Merger merger = Merger.prepare(inputs.models(), () -> data.unionTrain().epoch(0));
        AlphaSweep.Outcome outcome = AlphaSweep.run(settings, a -> PairEvaluation.evaluate(
                merger.merge(m, DualSpaceSearch.Options.defaults(a).withSeed(seed).withOrder(order)).merged(),
                data.selection().epoch(0), embeddings, pair));
        StringBuilder csv = new StringBuilder("alpha,train_joint,train_avg,train_taskA,train_taskB\n");
        System.out.println("| alpha | train Joint | train Avg |\n|---:|---:|---:|");
        for (AlphaSweep.Point p : outcome.byAlpha()) {
            Accuracies a = p.accuracies();
            System.out.printf(Locale.ROOT, "| %.3f | %.2f | %.2f |%n", p.alpha(), 100 * a.joint(), 100 * a.avg());
            csv.append(String.format(Locale.ROOT, "%.4f,%.4f,%.4f,%.4f,%.4f%n", p.alpha(), a.joint(), a.avg(),
                    a.taskA(), a.taskB()));
        }
        double best = outcome.best().alpha();
        Accuracies test = PairEvaluation.evaluate(
                merger.merge(m, DualSpaceSearch.Options.defaults(best).withSeed(seed).withOrder(order)).merged(),
                data.unionTest().epoch(0), embeddings, pair);
        System.out.printf(Locale.ROOT, "%nBest alpha by training Joint: %.3f; test Joint %.2f, Avg %.2f, Task A %.2f,"
                + " Task B %.2f%n", best, 100 * test.joint(), 100 * test.avg(), 100 * test.taskA(), 100 * test.taskB());
        if (out != null) {
            AtomicFiles.writeString(out, csv.toString());
        }
        return 0;
    }
}

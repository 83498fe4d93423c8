package org.mudsc4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.mudsc4j.dl4j.Dl4jRuntime;
import org.mudsc4j.report.ExperimentReport;
import org.mudsc4j.sweep.ExperimentDefinition;
import org.mudsc4j.sweep.ExperimentRunner;
import org.mudsc4j.sweep.PairResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The main job: train every pair of an experiment, merge with every method, evaluate, write tables and plots. */
@Command(name = "reproduce", mixinStandardHelpOptions = true,
        description = {"Run an experiment of experiments/ end to end: train (or reuse) the task models of each pair,"
                + " merge them with every method (alpha chosen on training data for MuDSC), evaluate, and write"
                + " results/<experiment>/ (table.md, CSVs, plots)."})
public final class ReproduceCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ReproduceCommand.class);
    private static final java.time.format.DateTimeFormatter RUN_STAMP =
            java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(java.time.ZoneOffset.UTC);

    @Parameters(index = "0", arity = "0..1", paramLabel = "EXPERIMENT", defaultValue = "fashion-mnist-resnet20",
            description = "Experiment name (experiments/<name>.yaml) or file (default: ${DEFAULT-VALUE})")
    String experiment;
    @Option(names = "--quick", description = "Use the experiment's quick: overrides (about a minute)")
    boolean quick;
    @Option(names = "--datasets-dir", defaultValue = Installation.HOME + "/datasets", description = "Folder holding the datasets (default: ${DEFAULT-VALUE})")
    Path datasetsDir;
    @Option(names = "--results-dir", defaultValue = Installation.HOME + "/results", description = "Where results/<experiment>/ goes (default: ${DEFAULT-VALUE})")
    Path resultsDir;
    @Option(names = "--checkpoints-dir", defaultValue = Installation.HOME + "/results/checkpoints",
            description = "Task checkpoints, reused when finished (default: ${DEFAULT-VALUE})")
    Path checkpointsDir;
    @Option(names = "--retrain", description = "Retrain task models even when finished checkpoints exist")
    boolean retrain;
    @Option(names = "--train-indices", paramLabel = "FILE.npy", description = "Override the experiment: feed features"
            + " and BN re-estimation with exactly these training images (int64 indices into the training file), in"
            + " order, instead of its perClass")
    Path trainIndices;
    @Option(names = "--augment", description = "Override the experiment: train | none, whether the data passes are"
            + " augmented (experiments default to train, as the reference)")
    String augment;
    @Option(names = "--order", description = "Override the experiment: seeded | reference sweep order (default: seeded)")
    String order;
    @Option(names = "--overwrite", description = "Replace results/<experiment>/ (default: when it exists, write to"
            + " results/<experiment>-run-<UTC time>/ instead)")
    boolean overwrite;

    @Override
    public Integer call() throws Exception {
        Path file = experimentFile(experiment);
        ExperimentDefinition def = ExperimentDefinition.load(file, quick);
        if (trainIndices != null || augment != null || order != null) {
            def = def.withMerge(def.merge().with(trainIndices == null ? null : trainIndices.toString(), augment, order));
            def.validate(file);
        }
        Path out = resultsDir.resolve(def.name());
        if (Files.exists(out.resolve("table.md")) && !overwrite) {
            // Earlier (e.g. the committed) results stay untouched; this run gets a folder of its own.
            out = resultsDir.resolve(def.name() + "-run-" + RUN_STAMP.format(Instant.now()));
            LOG.info("{} holds earlier results; writing this run to {} (--overwrite replaces them instead)",
                    resultsDir.resolve(def.name()), out);
        }
        Instant start = Instant.now();
        LOG.info("Experiment {} from {} -> {}", def.name(), file, out);
        List<PairResult> results = new ExperimentRunner(new ExperimentRunner.Settings(datasetsDir, checkpointsDir,
                retrain)).run(def);
        Duration took = Duration.between(start, Instant.now());
        List<String> provenance = new ArrayList<>();
        provenance.add("Machine: " + Machine.describe());
        provenance.add("Software: " + Dl4jRuntime.software());
        provenance.add("Source: " + Installation.sourceVersion());
        provenance.add("Started " + start + ", took " + took.toMinutes() + " min " + took.toSecondsPart() + " s"
                + " (including training; finished task checkpoints are reused)");
        String command = "./mudsc reproduce " + experiment + (quick ? " --quick" : "")
                + (trainIndices != null ? " --train-indices " + trainIndices : "")
                + (augment != null ? " --augment " + augment : "") + (order != null ? " --order " + order : "")
                + (overwrite ? " --overwrite" : "");
        ExperimentReport.write(out, def, results, command, provenance, overwrite);
        System.out.print(Files.readString(out.resolve("table.md")));
        LOG.info("Results written to {} in {} min {} s", out, took.toMinutes(), took.toSecondsPart());
        return 0;
    }

    static Path experimentFile(String nameOrFile) {
        Path p = Path.of(nameOrFile);
        if (Files.isRegularFile(p)) {
            return p;
        }
        Path named = Installation.resolve("experiments", nameOrFile.endsWith(".yaml") ? nameOrFile : nameOrFile + ".yaml");
        if (Files.isRegularFile(named)) {
            return named;
        }
        throw new IllegalArgumentException("no experiment '" + nameOrFile + "': neither a file nor " + named);
    }
}

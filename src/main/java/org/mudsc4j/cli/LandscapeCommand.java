package org.mudsc4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.mudsc4j.dl4j.Dl4jRuntime;
import org.mudsc4j.eval.landscape.BinaryTasks;
import org.mudsc4j.eval.landscape.LossLandscape;
import org.mudsc4j.report.LandscapeReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The paper's loss-landscape figure on two binary Fashion-MNIST tasks (ALGORITHM.md 11). */
@Command(name = "landscape", mixinStandardHelpOptions = true,
        description = {"Train two MLPs on two binary Fashion-MNIST tasks (footwear / upper-body garment, or the"
                + " reference's prime / odd on the class index), zip-merge them with ZipIt!, weight zip and MuDSC-zip,"
                + " and plot both tasks' test loss on the PCA plane of the merged models (landscape.png, landscape.md, grid.csv); with --seeds, one landscape per pair of"
                + " MLPs and a summary of the merged models over the seeds."})
public final class LandscapeCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(LandscapeCommand.class);

    @Option(names = "--hidden", defaultValue = "256", description = "MLP hidden width (reference 1024; default: ${DEFAULT-VALUE})")
    int hidden;
    @Option(names = "--embed-dim", defaultValue = "64", description = "Output/embedding size (reference 512; default: ${DEFAULT-VALUE})")
    int embedDim;
    @Option(names = "--epochs", defaultValue = "3", description = "Training epochs per MLP (default: ${DEFAULT-VALUE})")
    int epochs;
    @Option(names = "--train-per-class", defaultValue = "0", description = "Training images per class (0 = all 6000)")
    int trainPerClass;
    @Option(names = "--feature-images", defaultValue = "5000", description = "Training images for the activation pass (default: ${DEFAULT-VALUE})")
    int featureImages;
    @Option(names = "--test-images", defaultValue = "2000", description = "Test images per loss evaluation (default: ${DEFAULT-VALUE})")
    int testImages;
    @Option(names = "--grid", defaultValue = "25", description = "Grid points per axis (default: ${DEFAULT-VALUE})")
    int grid;
    @Option(names = "--alpha", defaultValue = "0.5", description = "MuDSC balanced factor (the reference's figure: 0.5)")
    double alpha;
    @Option(names = "--clip", defaultValue = "0.4", description = "Loss clip of the colour bands (reference 0.4)")
    double clip;
    @Option(names = "--datasets-dir", defaultValue = Installation.HOME + "/datasets", description = "Folder holding the datasets (default: ${DEFAULT-VALUE})")
    Path datasetsDir;
    @Option(names = "--checkpoints-dir", defaultValue = Installation.HOME + "/results/checkpoints", description = "Where the MLPs are saved (default: ${DEFAULT-VALUE})")
    Path checkpointsDir;
    @Option(names = "--out", defaultValue = Installation.HOME + "/results/landscape", description = "Output folder (default: ${DEFAULT-VALUE})")
    Path out;
    @Option(names = "--tasks", defaultValue = "garments", description = "Task pair: garments (footwear vs rest,"
            + " upper-body garment vs rest) or prime-odd (the reference's label functions on the class index: classes"
            + " 2,3,5,7 vs rest, odd classes vs even; default: ${DEFAULT-VALUE})")
    String tasks;
    @Option(names = "--seeds", split = ",", defaultValue = "0", description = "Pairs of MLPs, one landscape each: seed s"
            + " trains task A's MLP with seed 2s and task B's with 2s+1 (default: ${DEFAULT-VALUE}; e.g. 0,1,2)")
    List<Long> seeds;
    @Option(names = "--overwrite", description = "Replace the outputs in --out (default: when they exist, write to"
            + " <out>-run-<UTC time>/ instead)")
    boolean overwrite;

    @Override
    public Integer call() throws Exception {
        BinaryTasks taskPair = BinaryTasks.parse(tasks);
        if (new java.util.HashSet<>(seeds).size() != seeds.size()) {
            throw new IllegalArgumentException("--seeds lists a seed twice: " + seeds);
        }
        if (Files.exists(out.resolve("landscape.png")) && !overwrite) {
            // Earlier (e.g. the committed) results stay untouched; this run gets a folder of its own.
            out = out.resolveSibling(out.getFileName() + "-run-" + java.time.format.DateTimeFormatter
                    .ofPattern("yyyyMMdd-HHmmss").withZone(java.time.ZoneOffset.UTC).format(Instant.now()));
        }
        Instant start = Instant.now();
        List<LandscapeReport.SeedRun> runs = new ArrayList<>();
        for (long seed : seeds) {
            LOG.info("Landscape of seed {} ({} of {})", seed, runs.size() + 1, seeds.size());
            runs.add(new LandscapeReport.SeedRun(seed, LossLandscape.run(new LossLandscape.Settings(datasetsDir,
                    checkpointsDir, hidden, embedDim, epochs, trainPerClass, featureImages, testImages, grid, alpha,
                    taskPair, seed))));
        }
        Duration took = Duration.between(start, Instant.now());
        StringBuilder md = new StringBuilder("# Loss landscape (ALGORITHM.md 11) on two binary Fashion-MNIST tasks\n\n");
        md.append(String.format(Locale.ROOT, "Command: `./mudsc landscape --hidden %d --embed-dim %d --epochs %d"
                        + " --train-per-class %d --feature-images %d --test-images %d --grid %d --alpha %s --clip %s"
                        + " --tasks %s --seeds %s`%n%n", hidden, embedDim, epochs, trainPerClass, featureImages,
                testImages, grid, alpha, clip, taskPair, String.join(",", seeds.stream().map(String::valueOf).toList())));
        md.append("- Machine: ").append(Machine.describe()).append("\n- Software: ").append(Dl4jRuntime.software())
                .append("\n- Source: ").append(Installation.sourceVersion()).append("\n- Took ")
                .append(took.toMinutes()).append(" min ").append(took.toSecondsPart())
                .append(" s (training included unless the MLP checkpoints already existed)\n\n");
        md.append("Task A = ").append(taskPair.classNames().get(1)).append(" vs ").append(taskPair.classNames().get(0))
                .append(" (Fashion-MNIST classes ").append(java.util.Arrays.toString(taskPair.positivesA()))
                .append(" positive), task B = ").append(taskPair.classNames().get(3)).append(" vs ")
                .append(taskPair.classNames().get(2)).append(" (classes ")
                .append(java.util.Arrays.toString(taskPair.positivesB())).append(" positive); one MLP per task and"
                        + " seed, zip-merged three ways (ZipIt!, W. Zip, MuDSC_zip at α = ").append(alpha).append(").\n");
        LandscapeReport.write(out, md.toString(), runs, clip);
        System.out.print(Files.readString(out.resolve("landscape.md")));
        LOG.info("Landscape written to {} in {} min {} s", out, took.toMinutes(), took.toSecondsPart());
        return 0;
    }
}

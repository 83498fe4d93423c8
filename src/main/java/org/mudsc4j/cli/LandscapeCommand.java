package org.mudsc4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.mudsc4j.dl4j.Dl4jRuntime;
import org.mudsc4j.eval.landscape.LandscapeResult;
import org.mudsc4j.eval.landscape.LossLandscape;
import org.mudsc4j.merge.MergeMethod;
import org.mudsc4j.report.LandscapePlot;
import org.mudsc4j.util.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The paper's loss-landscape figure on two binary Fashion-MNIST tasks (ALGORITHM.md 11). */
@Command(name = "landscape", mixinStandardHelpOptions = true,
        description = {"Train two MLPs on two binary Fashion-MNIST tasks (footwear; upper-body garment), zip-merge"
                + " them with ZipIt!, weight zip and MuDSC-zip, and plot both tasks' test loss on the PCA plane of"
                + " the merged models (landscape.png, landscape.md, grid.csv)."})
public final class LandscapeCommand implements Callable<Integer> {
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
    @Option(names = "--overwrite", description = "Replace the outputs in --out (default: when they exist, write to"
            + " <out>-run-<UTC time>/ instead)")
    boolean overwrite;

    @Override
    public Integer call() throws Exception {
        if (Files.exists(out.resolve("landscape.png")) && !overwrite) {
            // Earlier (e.g. the committed) results stay untouched; this run gets a folder of its own.
            out = out.resolveSibling(out.getFileName() + "-run-" + java.time.format.DateTimeFormatter
                    .ofPattern("yyyyMMdd-HHmmss").withZone(java.time.ZoneOffset.UTC).format(Instant.now()));
        }
        Path png = out.resolve("landscape.png");
        Instant start = Instant.now();
        LandscapeResult r = LossLandscape.run(new LossLandscape.Settings(datasetsDir, checkpointsDir, hidden, embedDim,
                epochs, trainPerClass, featureImages, testImages, grid, alpha));
        Files.createDirectories(out);
        LandscapePlot.write(r, clip, png);
        Duration took = Duration.between(start, Instant.now());
        StringBuilder md = new StringBuilder("# Loss landscape (ALGORITHM.md 11) on two binary Fashion-MNIST tasks\n\n");
        md.append("Command: `./mudsc landscape --hidden ").append(hidden).append(" --embed-dim ").append(embedDim)
                .append(" --epochs ").append(epochs).append(" --grid ").append(grid).append(" --alpha ").append(alpha)
                .append("`\n\n- Machine: ").append(Machine.describe()).append("\n- Software: ")
                .append(Dl4jRuntime.software()).append("\n- Source: ").append(Installation.sourceVersion())
                .append("\n- Took ").append(took.toMinutes()).append(" min ")
                .append(took.toSecondsPart()).append(" s (training included unless the two MLP checkpoints already existed)\n");
        md.append(String.format(Locale.ROOT, "- PCA plane: PC1 %.1f%%, PC2 %.1f%% of the variance of the fitted points%n",
                100 * r.explained()[0], 100 * r.explained()[1]));
        md.append("\nTask A = footwear vs rest, task B = upper-body garment vs rest. Test loss (cross-entropy of 100·cos)"
                + " and accuracy of the actual models on the method lines, r·θA' + (1−r)·θB' (r = 0.5 is the merged"
                + " model):\n\n| method | r | loss A | loss B | mean loss | acc A | acc B |\n|---|---:|---:|---:|---:|---:|---:|\n");
        double[] rs = {0, 0.5, 1};
        for (LandscapeResult.MethodLine l : r.methods()) {
            for (int k = 0; k < 3; k++) {
                md.append(String.format(Locale.ROOT, "| %s | %.1f | %.4f | %.4f | %.4f | %.2f | %.2f |%n",
                        MergeMethod.parse(l.method()).paperName(), rs[k], l.lossA()[k], l.lossB()[k],
                        (l.lossA()[k] + l.lossB()[k]) / 2, 100 * l.accA()[k], 100 * l.accB()[k]));
            }
        }
        md.append("\n![landscape](landscape.png)\n");
        AtomicFiles.writeString(out.resolve("landscape.md"), md.toString());
        StringBuilder csv = new StringBuilder("x,y,lossA,lossB\n");
        for (int j = 0; j < r.ys().length; j++) {
            for (int i = 0; i < r.xs().length; i++) {
                csv.append(String.format(Locale.ROOT, "%.5f,%.5f,%.6f,%.6f%n", r.xs()[i], r.ys()[j], r.lossA()[j][i],
                        r.lossB()[j][i]));
            }
        }
        AtomicFiles.writeString(out.resolve("grid.csv"), csv.toString());
        System.out.print(md);
        return 0;
    }
}

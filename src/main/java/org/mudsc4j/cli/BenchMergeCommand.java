package org.mudsc4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.mudsc4j.bench.InferenceBench;
import org.mudsc4j.bench.MergeBench;
import org.mudsc4j.bench.TorchPeer;
import org.mudsc4j.data.ImageBatches;
import org.mudsc4j.dl4j.Dl4jRuntime;
import org.mudsc4j.merge.MergeMethod;
import org.mudsc4j.merge.match.AssignmentBench;
import org.mudsc4j.util.AtomicFiles;
import org.mudsc4j.zoo.ModelSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench merge}: images/s of the inference passes (optionally beside PyTorch), stage times of a ResNet-20 pair
 * merge and the assignment solver's times.
 */
@Command(name = "merge", mixinStandardHelpOptions = true,
        description = {"Time the passes every merge runs outside training (inference, evaluation, BN re-estimation,"
                + " feature pass; direct and stock DL4J path, and the PyTorch peer with --torch) at each --inputs"
                + " shape, then each stage of merging two randomly initialised models on random images"
                + " (similarities, matching per sweep, apply, BN re-estimation) and the assignment solver at"
                + " n = 256..2048."})
public final class BenchMergeCommand implements Callable<Integer> {
    @Option(names = "--models", split = ",", defaultValue = "resnet20x1,resnet20x4",
            description = "Model specs (default: ${DEFAULT-VALUE})")
    List<String> models;
    @Option(names = "--methods", split = ",", defaultValue = "act-align,zipit,mudsc-align,mudsc-zip",
            description = "Methods (default: ${DEFAULT-VALUE})")
    List<String> methods;
    @Option(names = "--images", defaultValue = "1024", description = "Images per data pass (default: ${DEFAULT-VALUE})")
    int images;
    @Option(names = "--batch", defaultValue = "128", description = "Batch size (default: ${DEFAULT-VALUE})")
    int batch;
    @Option(names = "--alpha", defaultValue = "0.5", description = "Balanced factor of the MuDSC variants (default: ${DEFAULT-VALUE})")
    double alpha;
    @Option(names = "--solver-sizes", split = ",", defaultValue = "256,512,1024,2048",
            description = "Assignment sizes to time (default: ${DEFAULT-VALUE}); 0 to skip")
    List<Integer> solverSizes;
    @Option(names = "--inputs", split = ",", defaultValue = "1x28x28,3x32x32",
            description = "Image shapes of the inference passes, CxHxW (default: ${DEFAULT-VALUE}); the merge stages"
                    + " run on the first")
    List<String> inputs;
    @Option(names = "--repeats", defaultValue = "3", description = "Runs of every pass, ours and PyTorch's; the"
            + " best counts, as this machine's noise only slows runs down (default: ${DEFAULT-VALUE})")
    int repeats;
    @Option(names = "--skip-stock", description = "Do not time the direct twin's (-Dmudsc4j.fusedForward=false) and"
            + " DL4J's stock (-Dmudsc4j.fastForward=false) inference passes beside the default ones")
    boolean skipStock;
    @Mixin
    TorchPeerOptions peerOptions;
    @Option(names = "--out", description = "Also write the report (Markdown) to this file")
    Path out;
    @Option(names = "--overwrite", description = "Replace an existing report")
    boolean overwrite;

    @Override
    public Integer call() throws Exception {
        if (out != null && Files.exists(out) && !overwrite) {
            throw new IllegalArgumentException(out + " already exists; pass --overwrite to replace it");
        }
        List<MergeMethod> ms = methods.stream().map(MergeMethod::parse).toList();
        StringBuilder report = new StringBuilder();
        report.append(String.format(Locale.ROOT, "- Machine: %s%n- Software: %s%n- Source: %s%n- Date: %s%n%n",
                Machine.describe(), Dl4jRuntime.software(), Installation.sourceVersion(), Instant.now()));
        report.append(passesReport());
        report.append(String.format(Locale.ROOT, "## Merge stages%n%nRandom weights and %d random %s images (batch"
                + " %d), alpha %.2f%n%n", images, inputs.get(0), batch, alpha));
        for (String text : models) {
            ModelSpec spec = shaped(text, inputs.get(0));
            List<MergeBench.Result> results = MergeBench.run(spec, ms, images, batch, alpha);
            Set<String> stages = new LinkedHashSet<>();
            results.forEach(r -> stages.addAll(r.seconds().keySet()));
            List<String> cols = new ArrayList<>(stages);
            report.append("### ").append(spec.compact()).append("\n\n| method | sweeps |");
            cols.forEach(c -> report.append(' ').append(c).append(" (s) |"));
            report.append(" s per sweep |\n|---|---:|");
            cols.forEach(c -> report.append("---:|"));
            report.append("---:|\n");
            for (MergeBench.Result r : results) {
                report.append("| ").append(r.method()).append(" | ").append(r.sweeps()).append(" |");
                for (String c : cols) {
                    Double v = r.seconds().get(c);
                    report.append(v == null ? " |" : String.format(Locale.ROOT, " %.2f |", v));
                }
                report.append(Double.isNaN(r.secondsPerSweep()) ? " – |\n"
                        : String.format(Locale.ROOT, " %.3f |%n", r.secondsPerSweep()));
            }
            report.append('\n');
        }
        int[] sizes = solverSizes.stream().mapToInt(Integer::intValue).filter(n -> n > 0).toArray();
        if (sizes.length > 0) {
            report.append("## Assignment solver (median ms; SciPy linear_sum_assignment on this machine: ~13 ms at"
                    + " 512, ~390 ms at 2048)\n\n| n | uniform | normal | aligned |\n|---:|---:|---:|---:|\n");
            for (AssignmentBench.SolverTiming t : AssignmentBench.run(sizes)) {
                report.append(String.format(Locale.ROOT, "| %d | %.1f | %.1f | %.1f |%n", t.n(), t.uniformMs(),
                        t.normalMs(), t.alignedMs()));
            }
        }
        System.out.print(report);
        if (out != null) {
            AtomicFiles.writeString(out, "Command: `./mudsc bench merge " + String.join(" ", commandLineArgs())
                    + "`\n\n" + report);
        }
        return 0;
    }

    /** Images/s of the four passes per model and input shape, beside PyTorch's and the stock path's. */
    private String passesReport() throws java.io.IOException {
        int threads = Runtime.getRuntime().availableProcessors();
        StringBuilder t = new StringBuilder();
        StringBuilder stockTable = new StringBuilder();
        StringBuilder twinTable = new StringBuilder();
        List<RateRow> rates = new ArrayList<>();
        List<String> torchLines = new ArrayList<>();
        t.append(String.format(Locale.ROOT, "## Inference passes (images/s)%n%nTwo randomly initialised models, %d"
                + " random images, batch %d (evaluation: batch %d, outputs, cosine head and the four metrics). BN"
                + " re-estimation: one model, training-mode pass and statistics. Feature pass: both models, hooked"
                + " activations and streaming correlations; each image counts once. Each pass is timed after one"
                + " untimed warm-up batch, as the PyTorch peer times its passes after one warm-up call. Every figure,"
                + " ours and PyTorch's, is the best of %d runs.%n%n", images, batch,
                ImageBatches.EVALUATION_BATCH_SIZE, repeats));
        boolean torch = peerOptions.enabled();
        t.append("| model | input | inference | evaluation | BN re-estimation | feature pass (2 models) |");
        t.append(torch ? " PyTorch INFER | PyTorch BN-RESET | inference ratio | evaluation ratio | BN ratio |"
                + " feature pass ratio |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
                : "\n|---|---|---:|---:|---:|---:|\n");
        twinTable.append(baselineHeader("twin"));
        stockTable.append(baselineHeader("stock"));
        for (String text : models) {
            for (String input : inputs) {
                ModelSpec spec = shaped(text, input);
                String name = spec.compact().replace("@" + input, "");
                List<TorchPeer.Result> peerRuns = peerOptions.runFor(spec, threads, Math.max(3, images / 128), repeats);
                peerRuns.forEach(p -> torchLines.add(p.line()));
                TorchPeer.Result peer = TorchPeer.Result.best(peerRuns);
                InferenceBench.Result r = InferenceBench.run(spec, images, batch, !skipStock, repeats);
                InferenceBench.Passes f = r.fast();
                t.append(String.format(Locale.ROOT, "| %s | %s | %.1f | %.1f | %.1f | %.1f |", name, input,
                        f.inference(), f.evaluation(), f.bnReestimation(), f.featurePass()));
                if (torch) {
                    t.append(peer == null ? " – | – | – | – | – | – |" : String.format(Locale.ROOT,
                            " %.1f | %.1f | %.2f× | %.2f× | %.2f× | %.2f× |", peer.inferImagesPerSecond(),
                            peer.bnResetImagesPerSecond(), f.inference() / peer.inferImagesPerSecond(),
                            f.evaluation() / peer.inferImagesPerSecond(),
                            f.bnReestimation() / peer.bnResetImagesPerSecond(),
                            f.featurePass() / peer.inferImagesPerSecond()));
                }
                t.append('\n');
                rates.add(new RateRow(name, input, r.multiplyAddsPerImage(), r.fast().inference(),
                        peer == null ? Double.NaN : peer.inferImagesPerSecond()));
                if (r.twin() != null) {
                    twinTable.append(baselineRow(name, input, r.twin(), f));
                }
                if (r.stock() != null) {
                    stockTable.append(baselineRow(name, input, r.stock(), f));
                }
            }
        }
        if (torch) {
            t.append("\nRatios are mudsc4j / PyTorch from this run; the feature pass (two models) and evaluation are"
                    + " compared with PyTorch's single-model INFER. Issue 13's goals: inference and evaluation ≥ 1.5×,"
                    + " BN re-estimation ≥ 1.5× of BN-RESET, feature pass ≥ 1.0×.\n");
            t.append("\nPyTorch runs (").append(peerOptions.script).append(", ").append(threads).append(" threads, batch"
                    + " 128):\n");
            torchLines.forEach(l -> t.append("- `").append(l).append("`\n"));
        }
        t.append(rateReport(rates, torch)); // after the passes, so that the GEMM's threads do not disturb them
        if (!skipStock) {
            t.append("\nThe same passes on the direct twin (-Dmudsc4j.fusedForward=false), as before the fused"
                    + " oneDNN chain; speed-ups are the default passes' over the twin's:\n\n").append(twinTable);
            t.append("\nThe same passes on DL4J's stock path (-Dmudsc4j.fastForward=false), as before the direct"
                    + " twin:\n\n").append(stockTable);
        }
        return t.append('\n').toString();
    }

    /** One model and input of the arithmetic-rate table: multiply-adds per image and images/s, ours and PyTorch's. */
    private record RateRow(String name, String input, long multiplyAdds, double ours, double torch) {
    }

    /**
     * Multiply-adds per second of the inference passes, ours and PyTorch's, beside the float GEMM ceiling measured
     * here: how much faster a pass could get at all.
     */
    private String rateReport(List<RateRow> rows, boolean torch) {
        int runs = Math.max(repeats, 3);
        double ceiling = InferenceBench.floatGemmRate(runs);
        StringBuilder t = new StringBuilder(String.format(Locale.ROOT, "%nArithmetic rate of inference: the"
                + " multiply-adds one image costs in the convolutions and the Linear (BatchNorm, ReLU, adds and pooling"
                + " not counted) times images/s. The ceiling is ND4J's float GEMM (OpenBLAS) on 2048 × 2048 matrices on"
                + " this machine, %.1f GMAC/s (best of %d).%n%n| model | input | MMAC/image | inference GMAC/s | of the"
                + " ceiling |%s%n|---|---|---:|---:|---:|%s%n", ceiling / 1e9, runs,
                torch ? " PyTorch GMAC/s | of the ceiling | 1.5× PyTorch needs |" : "", torch ? "---:|---:|---:|" : ""));
        for (RateRow r : rows) {
            double ours = r.ours() * r.multiplyAdds();
            double peer = r.torch() * r.multiplyAdds();
            t.append(String.format(Locale.ROOT, "| %s | %s | %.1f | %.1f | %.0f %% |", r.name(), r.input(),
                    r.multiplyAdds() / 1e6, ours / 1e9, 100 * ours / ceiling));
            if (torch) {
                t.append(Double.isNaN(peer) ? " – | – | – |" : String.format(Locale.ROOT, " %.1f | %.0f %% | %.0f %% |",
                        peer / 1e9, 100 * peer / ceiling, 150 * peer / ceiling));
            }
            t.append('\n');
        }
        return t.toString();
    }

    /** The header of a table of a baseline path's images/s and the default passes' speed-up over it. */
    private static String baselineHeader(String path) {
        return String.format(Locale.ROOT, "| model | input | %1$s inference | %1$s evaluation | %1$s BN re-estimation |"
                + " %1$s feature pass | speed-up inference | evaluation | BN | feature pass |%n"
                + "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|%n", path);
    }

    /** One row of a baseline table: the baseline's images/s and the default passes' ({@code fast}) speed-up. */
    private static String baselineRow(String name, String input, InferenceBench.Passes base,
                                      InferenceBench.Passes fast) {
        return String.format(Locale.ROOT, "| %s | %s | %.1f | %.1f | %.1f | %.1f | %.2f× | %.2f× | %.2f× | %.2f× |%n",
                name, input, base.inference(), base.evaluation(), base.bnReestimation(), base.featurePass(),
                fast.inference() / base.inference(), fast.evaluation() / base.evaluation(),
                fast.bnReestimation() / base.bnReestimation(), fast.featurePass() / base.featurePass());
    }

    /** The model spec with the given input shape (replacing one the spec names). */
    private static ModelSpec shaped(String model, String input) {
        int at = model.indexOf('@');
        return ModelSpec.parse((at < 0 ? model : model.substring(0, at)) + "@" + input);
    }

    private List<String> commandLineArgs() {
        List<String> args = new ArrayList<>();
        args.add("--models " + String.join(",", models));
        args.add("--methods " + String.join(",", methods));
        args.add("--images " + images);
        args.add("--batch " + batch);
        args.add("--inputs " + String.join(",", inputs));
        args.add("--repeats " + repeats);
        if (skipStock) {
            args.add("--skip-stock");
        }
        if (peerOptions.enabled()) {
            args.add(peerOptions.asArguments().strip());
        }
        args.add("--out " + out);
        return Arrays.asList(args.toArray(new String[0]));
    }
}

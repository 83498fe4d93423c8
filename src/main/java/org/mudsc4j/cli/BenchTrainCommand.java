package org.mudsc4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import org.mudsc4j.bench.TorchPeer;
import org.mudsc4j.bench.TrainBench;
import org.mudsc4j.dl4j.Dl4jRuntime;
import org.mudsc4j.util.AtomicFiles;
import org.mudsc4j.zoo.ModelSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bench train}: training and inference images/s of zoo models on random data, optionally beside PyTorch. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Training and inference images/s of zoo models on random images, through the real training path.")
public final class BenchTrainCommand implements Callable<Integer> {
    @Option(names = "--models", split = ",", defaultValue = "resnet20x1,resnet20gnx1,resnet20x4,resnet20gnx4",
            description = "Model specs (default: ${DEFAULT-VALUE})")
    List<String> models;
    @Option(names = "--input", defaultValue = "3x32x32", description = "Input CxHxW (default: ${DEFAULT-VALUE})")
    String input;
    @Option(names = "--batch", defaultValue = "128", description = "Batch size (default: ${DEFAULT-VALUE})")
    int batch;
    @Option(names = "--warmup", defaultValue = "5", description = "Untimed iterations; DL4J sizes its workspaces over"
            + " the first few, so fewer would time page faults, not steady training (default: ${DEFAULT-VALUE})")
    int warmup;
    @Option(names = "--iters", defaultValue = "5", description = "Timed training iterations (default: ${DEFAULT-VALUE})")
    int iters;
    @Option(names = "--infer-iters", defaultValue = "10", description = "Timed inference iterations (default: ${DEFAULT-VALUE})")
    int inferIters;
    @Mixin
    TorchPeerOptions peerOptions;
    @Option(names = "--profile", description = "Also break the timed training steps down by layer method (wall "
            + "clock, from stack samples of the training thread)")
    boolean profile;
    @Option(names = "--out", description = "Also write the report (Markdown) here")
    Path out;
    @Option(names = "--overwrite", description = "Replace an existing report")
    boolean overwrite;

    @Override
    public Integer call() throws Exception {
        if (out != null && Files.exists(out) && !overwrite) {
            throw new IllegalArgumentException(out + " already exists; pass --overwrite to replace it");
        }
        int threads = Runtime.getRuntime().availableProcessors();
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "Random %s images, batch %d, %d warm-up + %d timed training iterations, %d timed inference"
                        + " iterations.%n%n- Machine: %s%n- Software: %s%n- Source: %s%n- Date: %s%n%n",
                input, batch, warmup, iters, inferIters, Machine.describe(), Dl4jRuntime.software(),
                Installation.sourceVersion(), Instant.now()));
        sb.append(!peerOptions.enabled()
                ? "| model | params | train img/s | inference img/s |\n|---|---:|---:|---:|\n"
                : "| model | params | train img/s | inference img/s | PyTorch train | PyTorch inference | train ratio"
                + " | inference ratio |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
        List<String> torchLines = new ArrayList<>();
        StringBuilder profiles = new StringBuilder();
        for (String m : models) {
            ModelSpec spec = ModelSpec.parse(m + "@" + input);
            TorchPeer.Result torch = peerOptions.runFor(spec, threads, iters);
            if (torch != null) {
                torchLines.add(torch.line());
            }
            TrainBench.Result r = TrainBench.run(spec, batch, warmup, iters, inferIters, profile);
            if (r.stepProfile() != null) {
                profiles.append(profileTable(r));
            }
            sb.append(String.format(Locale.ROOT, "| %s | %,d | %.1f | %.1f |", ModelSpec.parse(m).compact(),
                    r.params(), r.trainImagesPerSecond(), r.inferImagesPerSecond()));
            if (peerOptions.enabled()) {
                sb.append(torch == null ? " – | – | – | – |" : String.format(Locale.ROOT,
                        " %.1f | %.1f | %.2f× | %.2f× |", torch.trainImagesPerSecond(), torch.inferImagesPerSecond(),
                        r.trainImagesPerSecond() / torch.trainImagesPerSecond(),
                        r.inferImagesPerSecond() / torch.inferImagesPerSecond()));
            }
            sb.append('\n');
        }
        if (!torchLines.isEmpty()) {
            sb.append("\nPyTorch runs (").append(peerOptions.script).append(", ").append(threads).append(" threads):\n");
            torchLines.forEach(l -> sb.append("- `").append(l).append("`\n"));
        }
        sb.append(profiles);
        System.out.print(sb);
        if (out != null) {
            AtomicFiles.writeString(out, "# bench train\n\nCommand: `./mudsc bench train --models "
                    + String.join(",", models) + " --input " + input + " --batch " + batch + " --warmup " + warmup
                    + " --iters " + iters + " --infer-iters " + inferIters + (profile ? " --profile" : "")
                    + peerOptions.asArguments()
                    + " --out " + out + "`\n\n" + sb);
        }
        return 0;
    }

    /** Milliseconds of a training step per layer method (largest first; the rest summed in one row). */
    private static String profileTable(TrainBench.Result r) {
        double stepMs = 1000.0 * r.batch() / r.trainImagesPerSecond();
        StringBuilder t = new StringBuilder(String.format(Locale.ROOT, "%nWhere a training step of %s goes (%.0f ms;"
                + " wall clock, by the layer method the training thread is in):%n%n| where | ms per step | share |%n"
                + "|---|---:|---:|%n", r.model(), stepMs));
        double rest = 0;
        int shown = 0;
        for (Map.Entry<String, Double> e : r.stepProfile().entrySet()) {
            if (shown < 15 && e.getValue() >= 0.005) {
                t.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f %% |%n", e.getKey(), e.getValue() * stepMs,
                        100 * e.getValue()));
                shown++;
            } else {
                rest += e.getValue();
            }
        }
        if (rest > 0) {
            t.append(String.format(Locale.ROOT, "| everything else | %.1f | %.1f %% |%n", rest * stepMs, 100 * rest));
        }
        return t.toString();
    }
}

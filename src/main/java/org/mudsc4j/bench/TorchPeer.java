package org.mudsc4j.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mudsc4j.zoo.ModelSpec;

/**
 * Runs the PyTorch peer benchmark ({@code torch_train_bench.py WIDTH THREADS ITERS CHANNELS SIZE}: the reference
 * ResNet-20 with BatchNorm, batch 128, SGD momentum, cosine head; it prints training, inference and the reference's
 * BatchNorm-reset images/s) in a child process, so that both frameworks are measured in one run on the same machine
 * state.
 */
public final class TorchPeer {
    private static final Pattern RESULT = Pattern.compile(
            "TRAIN\\s+([0-9.]+) img/s\\s+INFER\\s+([0-9.]+) img/s(?:\\s+BN-RESET\\s+([0-9.]+) img/s)?");

    private TorchPeer() {
    }

    /** PyTorch's version line and images/s; {@code bnResetImagesPerSecond} is NaN for a peer that does not time it. */
    public record Result(String line, double trainImagesPerSecond, double inferImagesPerSecond,
                         double bnResetImagesPerSecond) {
        /** The best figure of each kind over several runs (this machine's noise only slows down); null for none. */
        public static Result best(java.util.List<Result> runs) {
            if (runs.isEmpty()) {
                return null;
            }
            return new Result("best of " + runs.size(),
                    runs.stream().mapToDouble(Result::trainImagesPerSecond).max().orElseThrow(),
                    runs.stream().mapToDouble(Result::inferImagesPerSecond).max().orElseThrow(),
                    runs.stream().mapToDouble(Result::bnResetImagesPerSecond).max().orElse(Double.NaN));
        }
    }

    /** Whether the peer builds this model: the reference ResNet-20 with BatchNorm, on square images. */
    public static boolean comparable(ModelSpec spec) {
        return spec.architecture() == ModelSpec.Architecture.RESNET20 && spec.norm() == ModelSpec.Norm.BATCH
                && spec.input().height() == spec.input().width();
    }

    /**
     * @param input the images' shape; the peer takes square images only
     */
    public static Result run(Path script, String python, int width, int threads, int iters,
                             ModelSpec.InputShape input) throws IOException {
        if (input.height() != input.width()) {
            throw new IllegalArgumentException("the PyTorch peer takes square images; got " + input);
        }
        if (!Files.isRegularFile(script)) {
            throw new IOException("PyTorch benchmark script not found: " + script);
        }
        Process p = new ProcessBuilder(List.of(python, script.toString(), Integer.toString(width),
                Integer.toString(threads), Integer.toString(iters), Integer.toString(input.channels()),
                Integer.toString(input.height()))).redirectErrorStream(true).start();
        String out;
        try {
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException("PyTorch benchmark did not finish within 30 minutes");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the PyTorch benchmark", e);
        }
        Matcher m = RESULT.matcher(out);
        if (p.exitValue() != 0 || !m.find()) {
            throw new IOException("PyTorch benchmark " + script + " failed (exit " + p.exitValue() + "; is "
                    + "python3-torch installed?):\n" + out.strip());
        }
        String line = out.lines().filter(l -> l.contains("TRAIN")).findFirst().orElse("").strip();
        return new Result(line, Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)),
                m.group(3) == null ? Double.NaN : Double.parseDouble(m.group(3)));
    }
}

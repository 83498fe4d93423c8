package org.mudsc4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.mudsc4j.bench.TrainBench;
import org.mudsc4j.dl4j.Dl4jRuntime;
import org.mudsc4j.util.AtomicFiles;
import org.mudsc4j.zoo.ModelSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench train}: training and inference images/s of zoo models on random data. */
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
    @Option(names = "--warmup", defaultValue = "2", description = "Untimed iterations (default: ${DEFAULT-VALUE})")
    int warmup;
    @Option(names = "--iters", defaultValue = "5", description = "Timed training iterations (default: ${DEFAULT-VALUE})")
    int iters;
    @Option(names = "--infer-iters", defaultValue = "10", description = "Timed inference iterations (default: ${DEFAULT-VALUE})")
    int inferIters;
    @Option(names = "--out", description = "Also write the report (Markdown) here")
    Path out;
    @Option(names = "--overwrite", description = "Replace an existing report")
    boolean overwrite;

    @Override
    public Integer call() throws Exception {
        if (out != null && Files.exists(out) && !overwrite) {
            throw new IllegalArgumentException(out + " already exists; pass --overwrite to replace it");
        }
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "Random %s images, batch %d, %d warm-up + %d timed training iterations, %d timed inference"
                        + " iterations.%n%n- Machine: %s%n- Software: %s%n- Date: %s%n%n"
                        + "| model | params | train img/s | inference img/s |%n|---|---:|---:|---:|%n",
                input, batch, warmup, iters, inferIters, Machine.describe(), Dl4jRuntime.software(), Instant.now()));
        for (String m : models) {
            ModelSpec spec = ModelSpec.parse(m + "@" + input);
            TrainBench.Result r = TrainBench.run(spec, batch, warmup, iters, inferIters);
            sb.append(String.format(Locale.ROOT, "| %s | %,d | %.1f | %.1f |%n", ModelSpec.parse(m).compact(),
                    r.params(), r.trainImagesPerSecond(), r.inferImagesPerSecond()));
        }
        System.out.print(sb);
        if (out != null) {
            AtomicFiles.writeString(out, "# bench train\n\nCommand: `./mudsc bench train --models "
                    + String.join(",", models) + " --input " + input + " --batch " + batch + " --warmup " + warmup
                    + " --iters " + iters + " --infer-iters " + inferIters + " --out " + out + "`\n\n" + sb);
        }
        return 0;
    }
}

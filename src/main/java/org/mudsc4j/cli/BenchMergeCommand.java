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
import org.mudsc4j.bench.MergeBench;
import org.mudsc4j.dl4j.Dl4jRuntime;
import org.mudsc4j.merge.MergeMethod;
import org.mudsc4j.merge.match.AssignmentBench;
import org.mudsc4j.util.AtomicFiles;
import org.mudsc4j.zoo.ModelSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench merge}: stage times of a ResNet-20 pair merge and the assignment solver's times. */
@Command(name = "merge", mixinStandardHelpOptions = true,
        description = {"Time each stage of merging two randomly initialised models on random images (feature pass,"
                + " similarities, matching per sweep, apply, BN re-estimation) and the assignment solver at"
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
            description = "Assignment sizes to time (default: ${DEFAULT-VALUE}); empty to skip")
    List<Integer> solverSizes;
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
        report.append(String.format(Locale.ROOT, "Merge stages on random weights and %d random images (batch %d),"
                + " alpha %.2f; %s; %d cores; %s%n%n", images, batch, alpha, Dl4jRuntime.software(),
                Runtime.getRuntime().availableProcessors(), Instant.now()));
        for (String text : models) {
            ModelSpec spec = ModelSpec.parse(text);
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
        if (!solverSizes.isEmpty()) {
            report.append("### Assignment solver (median ms; SciPy linear_sum_assignment on this machine: ~13 ms at"
                    + " 512, ~390 ms at 2048)\n\n| n | uniform | normal | aligned |\n|---:|---:|---:|---:|\n");
            int[] sizes = solverSizes.stream().mapToInt(Integer::intValue).toArray();
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

    private List<String> commandLineArgs() {
        List<String> args = new ArrayList<>();
        args.add("--models " + String.join(",", models));
        args.add("--methods " + String.join(",", methods));
        args.add("--images " + images);
        args.add("--batch " + batch);
        args.add("--out " + out);
        return Arrays.asList(args.toArray(new String[0]));
    }
}

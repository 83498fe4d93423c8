package org.mudsc4j.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.mudsc4j.eval.Accuracies;
import org.mudsc4j.merge.MergeMethod;
import org.mudsc4j.sweep.ExperimentDefinition;
import org.mudsc4j.sweep.PairResult;
import org.mudsc4j.util.AtomicFiles;

/**
 * Writes an experiment's results into its folder: {@code table.md} (the paper's layout: Joint / Avg / Task A /
 * Task B, mean ± std over pairs, base-model and ensemble rows first), {@code table.csv}, {@code pairs.csv} (every pair
 * and row), {@code differences.csv} (each method's paired difference to the best other non-MuDSC method of its family),
 * {@code alphas.csv} (the α search of the MuDSC variants), {@code results.json} and the plots. Every file is
 * written atomically; an existing folder is only replaced when asked.
 */
public final class ExperimentReport {
    // optional settings left out (null) are omitted, so a default run's results.json does not change with new options
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .setSerializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL);
    private static final List<String> COLUMNS = List.of("Joint", "Avg", "Task A", "Task B");
    private static final List<String> CSV_COLUMNS = List.of("joint", "avg", "taskA", "taskB");
    private static final List<ToDoubleFunction<Accuracies>> GETTERS =
            List.of(Accuracies::joint, Accuracies::avg, Accuracies::taskA, Accuracies::taskB);

    private ExperimentReport() {
    }

    /** Rows of the table in order: label → accuracies of every pair. */
    public static Map<String, List<Accuracies>> rows(List<PairResult> results) {
        Map<String, List<Accuracies>> rows = new LinkedHashMap<>();
        for (PairResult r : results) {
            rows.computeIfAbsent("Model A", k -> new ArrayList<>()).add(r.modelA());
            rows.computeIfAbsent("Model B", k -> new ArrayList<>()).add(r.modelB());
            rows.computeIfAbsent("Ensemble", k -> new ArrayList<>()).add(r.ensemble());
            for (PairResult.MethodResult m : r.methods()) {
                rows.computeIfAbsent(MergeMethod.parse(m.method()).paperName(), k -> new ArrayList<>()).add(m.test());
            }
        }
        return rows;
    }

    /**
     * @param dir        results folder, e.g. {@code results/fashion-mnist-resnet20}
     * @param command    the command line that produced the results (written beside them)
     * @param provenance machine, software, date and run time lines
     * @param overwrite  replace an existing {@code table.md}
     */
    public static void write(Path dir, ExperimentDefinition def, List<PairResult> results, String command,
                             List<String> provenance, boolean overwrite) throws IOException {
        Path table = dir.resolve("table.md");
        if (Files.exists(table) && !overwrite) {
            throw new IOException(table + " already exists; pass --overwrite to replace the results");
        }
        Files.createDirectories(dir);
        Map<String, List<Accuracies>> rows = rows(results);
        AtomicFiles.writeString(table, markdown(def, results, rows, command, provenance));
        AtomicFiles.writeString(dir.resolve("table.csv"), summaryCsv(rows));
        AtomicFiles.writeString(dir.resolve("pairs.csv"), pairsCsv(results));
        AtomicFiles.writeString(dir.resolve("differences.csv"), differencesCsv(differences(results)));
        AtomicFiles.writeString(dir.resolve("alphas.csv"), alphasCsv(results));
        AtomicFiles.writeString(dir.resolve("results.json"), JSON.writeValueAsString(Map.of(
                "experiment", def, "command", command, "provenance", provenance, "pairs", results)));
        Plots.methodBars(rows, dir.resolve("methods.png"), def.name());
        if (results.stream().anyMatch(r -> r.methods().stream().anyMatch(m -> !m.alphaCurve().isEmpty()))) {
            Plots.alphaCurves(results, dir.resolve("alpha.png"), def.name());
        }
    }

    /**
     * For every merged method of the align and zip families, per column (in {@link #COLUMNS} order): the paired
     * difference to the non-MuDSC method of its family, itself excluded, with the highest mean on that column (align:
     * A. Align / Git Re-Basin; zip: ZipIt! / W. Zip). Methods without such a comparator in the results are left out.
     */
    static Map<MergeMethod, List<PairedDifference>> differences(List<PairResult> results) {
        Map<MergeMethod, List<Accuracies>> byMethod = new LinkedHashMap<>();
        for (PairResult r : results) {
            for (PairResult.MethodResult m : r.methods()) {
                byMethod.computeIfAbsent(MergeMethod.parse(m.method()), k -> new ArrayList<>()).add(m.test());
            }
        }
        Map<MergeMethod, List<PairedDifference>> out = new LinkedHashMap<>();
        for (Map.Entry<MergeMethod, List<Accuracies>> e : byMethod.entrySet()) {
            MergeMethod method = e.getKey();
            List<MergeMethod> comparators = byMethod.keySet().stream().filter(c -> c != method
                    && c.family() == method.family() && c.family() != MergeMethod.Family.IDENTITY
                    && !c.mixesSimilarities() && byMethod.get(c).size() == e.getValue().size()).toList();
            if (comparators.isEmpty()) {
                continue;
            }
            List<PairedDifference> perColumn = new ArrayList<>();
            for (ToDoubleFunction<Accuracies> g : GETTERS) {
                MergeMethod best = comparators.get(0);
                for (MergeMethod c : comparators) {
                    if (Summary.of(byMethod.get(c), g).mean() > Summary.of(byMethod.get(best), g).mean()) {
                        best = c;
                    }
                }
                perColumn.add(PairedDifference.of(best.paperName(), e.getValue(), byMethod.get(best), g));
            }
            out.put(method, perColumn);
        }
        return out;
    }

    static String differencesCsv(Map<MergeMethod, List<PairedDifference>> differences) {
        StringBuilder sb = new StringBuilder("method,column,comparator,pairs,mean_diff,ci95_low,ci95_high,"
                + "excludes_zero\n");
        differences.forEach((m, perColumn) -> {
            for (int c = 0; c < perColumn.size(); c++) {
                PairedDifference d = perColumn.get(c);
                sb.append(String.format(Locale.ROOT, "%s,%s,%s,%d,%.4f,%s,%s,%b%n", m.id(), CSV_COLUMNS.get(c),
                        csv(d.comparator()), d.pairs(), d.mean(), number(d.low()), number(d.high()),
                        d.excludesZero()));
            }
        });
        return sb.toString();
    }

    private static String number(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.4f", v);
    }

    static String markdown(ExperimentDefinition def, List<PairResult> results, Map<String, List<Accuracies>> rows,
                           String command, List<String> provenance) {
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(def.name()).append("\n\n");
        if (def.description() != null) {
            sb.append(def.description()).append("\n\n");
        }
        sb.append("Command: `").append(command).append("`\n\n");
        provenance.forEach(p -> sb.append("- ").append(p).append('\n'));
        sb.append(String.format(Locale.ROOT, "%nTest accuracy (%%) on the union test set, mean ± sample std over %d "
                + "pair(s) (runs %s).%n%n", results.size(), results.stream().map(r -> Integer.toString(r.run()))
                .toList()));
        sb.append("| | ").append(String.join(" | ", COLUMNS)).append(" |\n|---|---:|---:|---:|---:|\n");
        for (Map.Entry<String, List<Accuracies>> e : rows.entrySet()) {
            sb.append("| ").append(e.getKey());
            for (ToDoubleFunction<Accuracies> g : GETTERS) {
                sb.append(" | ").append(Summary.of(e.getValue(), g));
            }
            sb.append(" |\n");
        }
        Map<MergeMethod, List<PairedDifference>> differences = differences(results);
        if (!differences.isEmpty()) {
            sb.append(String.format(Locale.ROOT, "%nPaired difference (points) to the best other non-MuDSC method of"
                    + " the same family on each column (align: A. Align / Git Re-Basin; zip: ZipIt! / W. Zip; best"
                    + " = highest mean on that column): mean over the %d pair(s) and 95 %% Student-t interval;"
                    + " * marks an interval that excludes 0.%n%n", results.size()));
            sb.append("| | ").append(String.join(" | ", COLUMNS)).append(" |\n|---|---|---|---|---|\n");
            differences.forEach((m, perColumn) -> {
                sb.append("| ").append(m.paperName());
                perColumn.forEach(d -> sb.append(" | ").append(d).append(" vs ").append(d.comparator()));
                sb.append(" |\n");
            });
        }
        sb.append("\nα chosen on training data by Joint accuracy (ALGORITHM §10.2):\n\n| pair | method | α | sweeps |\n"
                + "|---|---|---:|---:|\n");
        for (PairResult r : results) {
            for (PairResult.MethodResult m : r.methods()) {
                if (!Double.isNaN(m.alpha())) {
                    sb.append(String.format(Locale.ROOT, "| %d | %s | %.2f | %d |%n", r.run(), m.method(), m.alpha(),
                            m.sweeps()));
                }
            }
        }
        return sb.toString();
    }

    static String summaryCsv(Map<String, List<Accuracies>> rows) {
        StringBuilder sb = new StringBuilder("row,pairs,joint_mean,joint_std,avg_mean,avg_std,taskA_mean,taskA_std,"
                + "taskB_mean,taskB_std\n");
        for (Map.Entry<String, List<Accuracies>> e : rows.entrySet()) {
            sb.append(csv(e.getKey())).append(',').append(e.getValue().size());
            for (ToDoubleFunction<Accuracies> g : GETTERS) {
                Summary s = Summary.of(e.getValue(), g);
                sb.append(String.format(Locale.ROOT, ",%.4f,%.4f", s.mean(), s.std()));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    static String pairsCsv(List<PairResult> results) {
        StringBuilder sb = new StringBuilder("run,pair,row,alpha,joint,avg,taskA,taskB\n");
        for (PairResult r : results) {
            line(sb, r, "Model A", Double.NaN, r.modelA());
            line(sb, r, "Model B", Double.NaN, r.modelB());
            line(sb, r, "Ensemble", Double.NaN, r.ensemble());
            for (PairResult.MethodResult m : r.methods()) {
                line(sb, r, m.method(), m.alpha(), m.test());
            }
        }
        return sb.toString();
    }

    static String alphasCsv(List<PairResult> results) {
        StringBuilder sb = new StringBuilder("run,method,alpha,train_joint,train_avg,train_taskA,train_taskB,selected\n");
        for (PairResult r : results) {
            for (PairResult.MethodResult m : r.methods()) {
                for (PairResult.AlphaPoint p : m.alphaCurve()) {
                    Accuracies a = p.train();
                    sb.append(String.format(Locale.ROOT, "%d,%s,%.4f,%.4f,%.4f,%.4f,%.4f,%b%n", r.run(), m.method(),
                            p.alpha(), a.joint(), a.avg(), a.taskA(), a.taskB(), p.alpha() == m.alpha()));
                }
            }
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, PairResult r, String row, double alpha, Accuracies a) {
        sb.append(String.format(Locale.ROOT, "%d,%s,%s,%s,%.4f,%.4f,%.4f,%.4f%n", r.run(), csv(r.pair()), csv(row),
                Double.isNaN(alpha) ? "" : String.format(Locale.ROOT, "%.4f", alpha), a.joint(), a.avg(), a.taskA(),
                a.taskB()));
    }

    private static String csv(String s) {
        return s.contains(",") || s.contains("\"") ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }
}

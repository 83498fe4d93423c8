package org.mudsc4j.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mudsc4j.eval.landscape.LandscapeResult;
import org.mudsc4j.merge.MergeMethod;
import org.mudsc4j.util.AtomicFiles;

/**
 * Writes the loss-landscape experiment of one or more MLP pairs (seeds): per seed its figure and grid
 * ({@code landscape.png}, {@code grid.csv}; the first seed's in the folder itself, the others' in {@code seed-<s>/}),
 * and one {@code landscape.md} with the nine method points of every seed and, with several seeds, the merged models
 * (r = 0.5) summarised over the seeds: does the merge keep both tasks?
 */
public final class LandscapeReport {
    private static final double[] R = {0, 0.5, 1};

    /**
     * @param seed   the pair's seed
     * @param result its landscape
     */
    public record SeedRun(long seed, LandscapeResult result) {
    }

    private LandscapeReport() {
    }

    /** @param header title, command and provenance lines (Markdown), written first */
    public static void write(Path dir, String header, List<SeedRun> runs, double clip) throws IOException {
        Files.createDirectories(dir);
        StringBuilder md = new StringBuilder(header);
        if (runs.size() > 1) {
            md.append(summary(runs));
        }
        for (int k = 0; k < runs.size(); k++) {
            SeedRun run = runs.get(k);
            Path folder = k == 0 ? dir : dir.resolve("seed-" + run.seed());
            Files.createDirectories(folder);
            LandscapePlot.write(run.result(), clip, folder.resolve("landscape.png"));
            AtomicFiles.writeString(folder.resolve("grid.csv"), gridCsv(run.result()));
            String png = k == 0 ? "landscape.png" : "seed-" + run.seed() + "/landscape.png";
            md.append(seedSection(run, png));
        }
        AtomicFiles.writeString(dir.resolve("landscape.md"), md.toString());
    }

    /** The merged models over the seeds; the majority rates are the first seed's (every seed uses the same test set). */
    static String summary(List<SeedRun> runs) {
        double majorityA = runs.get(0).result().majorityA();
        double majorityB = runs.get(0).result().majorityB();
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%n## Merged models (r = 0.5) over %d seeds"
                + "%n%nMean ± sample std over the seeds. A task is kept when the merged model's accuracy on it beats"
                + " that task's majority rate (always predicting \"rest\": %.1f %% for A, %.1f %% for B).%n%n"
                + "| method | mean loss | loss A | loss B | acc A | acc B | seeds keeping A | keeping B | keeping"
                + " both |%n|---|---:|---:|---:|---:|---:|---:|---:|---:|%n", runs.size(), 100 * majorityA,
                100 * majorityB));
        Map<String, List<LandscapeResult.MethodLine>> byMethod = new LinkedHashMap<>();
        for (SeedRun run : runs) {
            for (LandscapeResult.MethodLine l : run.result().methods()) {
                byMethod.computeIfAbsent(l.method(), m -> new ArrayList<>()).add(l);
            }
        }
        byMethod.forEach((method, lines) -> {
            double[][] v = new double[5][lines.size()];
            int keepA = 0;
            int keepB = 0;
            int keepBoth = 0;
            for (int i = 0; i < lines.size(); i++) {
                LandscapeResult.MethodLine l = lines.get(i);
                v[0][i] = (l.lossA()[1] + l.lossB()[1]) / 2;
                v[1][i] = l.lossA()[1];
                v[2][i] = l.lossB()[1];
                v[3][i] = 100 * l.accA()[1];
                v[4][i] = 100 * l.accB()[1];
                boolean a = l.accA()[1] > majorityA;
                boolean b = l.accB()[1] > majorityB;
                keepA += a ? 1 : 0;
                keepB += b ? 1 : 0;
                keepBoth += a && b ? 1 : 0;
            }
            sb.append("| ").append(MergeMethod.parse(method).paperName());
            for (double[] column : v) {
                sb.append(String.format(Locale.ROOT, " | %.3f ± %.3f", mean(column), std(column)));
            }
            sb.append(String.format(Locale.ROOT, " | %d/%d | %d/%d | %d/%d |%n", keepA, lines.size(), keepB,
                    lines.size(), keepBoth, lines.size()));
        });
        return sb.toString();
    }

    static String seedSection(SeedRun run, String png) {
        LandscapeResult r = run.result();
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%n## Seed %d (MLPs trained with seeds %d and"
                + " %d)%n%n- PCA plane: PC1 %.1f%%, PC2 %.1f%% of the variance of the fitted points%n%n"
                + "Test loss (cross-entropy of 100·cos) and accuracy of the actual models on the method lines,"
                + " r·θA' + (1−r)·θB' (r = 0.5 is the merged model):%n%n| method | r | loss A | loss B | mean loss"
                + " | acc A | acc B |%n|---|---:|---:|---:|---:|---:|---:|%n", run.seed(), 2 * run.seed(),
                2 * run.seed() + 1, 100 * r.explained()[0], 100 * r.explained()[1]));
        for (LandscapeResult.MethodLine l : r.methods()) {
            for (int k = 0; k < 3; k++) {
                sb.append(String.format(Locale.ROOT, "| %s | %.1f | %.4f | %.4f | %.4f | %.2f | %.2f |%n",
                        MergeMethod.parse(l.method()).paperName(), R[k], l.lossA()[k], l.lossB()[k],
                        (l.lossA()[k] + l.lossB()[k]) / 2, 100 * l.accA()[k], 100 * l.accB()[k]));
            }
        }
        sb.append("\n![landscape, seed ").append(run.seed()).append("](").append(png).append(")\n");
        return sb.toString();
    }

    static String gridCsv(LandscapeResult r) {
        StringBuilder csv = new StringBuilder("x,y,lossA,lossB\n");
        for (int j = 0; j < r.ys().length; j++) {
            for (int i = 0; i < r.xs().length; i++) {
                csv.append(String.format(Locale.ROOT, "%.5f,%.5f,%.6f,%.6f%n", r.xs()[i], r.ys()[j], r.lossA()[j][i],
                        r.lossB()[j][i]));
            }
        }
        return csv.toString();
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static double std(double[] v) {
        if (v.length < 2) {
            return 0;
        }
        double m = mean(v);
        double ss = 0;
        for (double x : v) {
            ss += (x - m) * (x - m);
        }
        return Math.sqrt(ss / (v.length - 1));
    }
}

package org.mudsc4j.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mudsc4j.eval.Accuracies;
import org.mudsc4j.eval.landscape.BinaryTasks;
import org.mudsc4j.eval.landscape.LandscapeResult;
import org.mudsc4j.sweep.ExperimentDefinition;
import org.mudsc4j.sweep.PairResult;

class ReportTest {

    private static PairResult pair(int run, double shift) {
        Accuracies base = Accuracies.of(0.45 + shift, 0.9, 0.1);
        var curve = List.of(new PairResult.AlphaPoint(0.1, Accuracies.of(0.6, 0.7, 0.7)),
                new PairResult.AlphaPoint(0.5, Accuracies.of(0.7 + shift, 0.8, 0.8)));
        return new PairResult(run, "[0,1]|[2,3]", base, Accuracies.of(0.44, 0.1, 0.88), Accuracies.of(0.8, 0.9, 0.9),
                List.of(new PairResult.MethodResult("avg", Accuracies.of(0.3, 0.5, 0.5), Double.NaN, 0, List.of(),
                                Map.of("apply", 0.1)),
                        new PairResult.MethodResult("mudsc-zip", Accuracies.of(0.6 + shift, 0.7, 0.75), 0.5, 7, curve,
                                Map.of("apply", 0.1))));
    }

    @Test
    void summaryUsesTheSampleStandardDeviation() {
        Summary s = Summary.of(List.of(Accuracies.of(0.5, 0, 0), Accuracies.of(0.7, 0, 0)), Accuracies::joint);
        assertEquals(60.0, s.mean(), 1e-9);
        assertEquals(Math.sqrt(200), s.std(), 1e-9);
        assertEquals(0.0, Summary.of(List.of(Accuracies.of(0.5, 0, 0)), Accuracies::joint).std());
    }

    @Test
    void writesTablesCsvsAndPlotsAndRefusesToOverwrite(@TempDir Path dir) throws IOException {
        ExperimentDefinition def = ExperimentDefinition.load(Path.of("experiments/fashion-mnist-resnet20.yaml"), true);
        List<PairResult> results = List.of(pair(0, 0), pair(1, 0.1));
        ExperimentReport.write(dir, def, results, "./mudsc reproduce --quick", List.of("Machine: test"), false);
        String md = Files.readString(dir.resolve("table.md"));
        assertTrue(md.contains("| Model A |") && md.contains("| Ensemble |") && md.contains("| MuDSC_zip |"), md);
        assertTrue(md.contains("65.00 ± 7.07"), "mean ± std of Joint for MuDSC_zip: " + md);
        assertTrue(md.indexOf("Model A") < md.indexOf("Weight Average"), "base rows first");
        assertEquals(6, Files.readAllLines(dir.resolve("table.csv")).size(), "header + 5 rows");
        assertEquals(1 + 2 * 5, Files.readAllLines(dir.resolve("pairs.csv")).size());
        assertTrue(Files.readString(dir.resolve("alphas.csv")).contains("0.5000,0.7000"));
        for (String png : List.of("methods.png", "alpha.png")) {
            BufferedImage img = ImageIO.read(dir.resolve(png).toFile());
            assertTrue(img.getWidth() > 500 && img.getHeight() > 300, png);
        }
        assertThrows(IOException.class,
                () -> ExperimentReport.write(dir, def, results, "x", List.of(), false));
        ExperimentReport.write(dir, def, results, "x", List.of(), true);
    }

    @Test
    void landscapePlotDrawsThreePanels(@TempDir Path dir) throws IOException {
        int n = 9;
        double[] xs = new double[n];
        double[] ys = new double[n];
        double[][] a = new double[n][n];
        double[][] b = new double[n][n];
        for (int i = 0; i < n; i++) {
            xs[i] = i - 4;
            ys[i] = i - 4;
        }
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < n; i++) {
                a[j][i] = 0.05 * ((xs[i] - 2) * (xs[i] - 2) + ys[j] * ys[j]) / 4;
                b[j][i] = 0.05 * ((xs[i] + 2) * (xs[i] + 2) + ys[j] * ys[j]) / 4;
            }
        }
        var line = new LandscapeResult.MethodLine("mudsc-zip", new double[] {-2, 0, 2}, new double[] {0, 0.5, 0},
                new double[3], new double[3], new double[3], new double[3]);
        var zip = new LandscapeResult.MethodLine("zipit", new double[] {-2, 0, 2}, new double[] {1, 1.5, 1},
                new double[3], new double[3], new double[3], new double[3]);
        LandscapePlot.write(new LandscapeResult(xs, ys, a, b, new double[] {0.4, 0.3}, List.of(line, zip), 0.7, 0.6,
                BinaryTasks.GARMENTS),
                0.4, dir.resolve("l.png"));
        BufferedImage img = ImageIO.read(dir.resolve("l.png").toFile());
        assertTrue(img.getWidth() > 3 * 430);
        // Low loss of task A (right half) is drawn red-ish in panel 2: more red than blue there.
        int rgb = img.getRGB(img.getWidth() / 3 + 55 + 430 * 3 / 4, 40 + 430 - 430 * 7 / 8);
        assertTrue(((rgb >> 16) & 0xff) > (rgb & 0xff), "low loss must be red, got " + Integer.toHexString(rgb));
    }

    private static LandscapeResult landscape(double mergedAccA, double mergedAccB) {
        double[] xs = {-1, 0, 1};
        double[][] loss = {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}};
        var line = new LandscapeResult.MethodLine("mudsc-zip", new double[] {-1, 0, 1}, new double[] {0, 0, 0},
                new double[] {0.1, 0.5, 2}, new double[] {2, 0.7, 0.1}, new double[] {0.99, mergedAccA, 0.7},
                new double[] {0.6, mergedAccB, 0.95});
        return new LandscapeResult(xs, xs, loss, loss, new double[] {0.5, 0.2}, List.of(line), 0.7, 0.6,
                BinaryTasks.PRIME_ODD);
    }

    /** Several seeds: the first seed's figure in the folder, the others' in seed-<s>/, and a summary over seeds. */
    @Test
    void landscapeReportSummarisesTheMergedModelsOverSeeds(@TempDir Path dir) throws IOException {
        List<LandscapeReport.SeedRun> runs = List.of(new LandscapeReport.SeedRun(0, landscape(0.9, 0.8)),
                new LandscapeReport.SeedRun(3, landscape(0.7, 0.85)));
        LandscapeReport.write(dir, "# title\n", runs, 0.4);
        assertTrue(Files.exists(dir.resolve("landscape.png")) && Files.exists(dir.resolve("grid.csv")));
        assertTrue(Files.exists(dir.resolve("seed-3/landscape.png")) && Files.exists(dir.resolve("seed-3/grid.csv")));
        String md = Files.readString(dir.resolve("landscape.md"));
        assertTrue(md.startsWith("# title\n"));
        // seed 3's merge is at task A's majority rate (0.7, not above it): A kept in 1 of 2 seeds, B in both
        assertTrue(md.contains("| MuDSC_zip | 0.600 ± 0.000 | 0.500 ± 0.000 | 0.700 ± 0.000 | 80.000 ± 14.142 |"
                + " 82.500 ± 3.536 | 1/2 | 2/2 | 1/2 |"), md);
        assertTrue(md.contains("## Seed 3 (MLPs trained with seeds 6 and 7)") && md.contains("(seed-3/landscape.png)"));
        assertEquals("x,y,lossA,lossB", Files.readString(dir.resolve("grid.csv")).lines().findFirst().orElseThrow());
    }
}

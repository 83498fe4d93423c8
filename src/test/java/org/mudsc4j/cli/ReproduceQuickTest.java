package org.mudsc4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: {@code reproduce --quick} on the bundled Fashion-MNIST trains a pair, merges it with four methods and
 * writes the report. Checks the table's structure and sanity, that a second run leaves the first results alone,
 * and that finished checkpoints are reused.
 */
class ReproduceQuickTest {

    @Test
    void quickReproductionWritesASaneTable(@TempDir Path dir) throws Exception {
        Path results = dir.resolve("results");
        Path checkpoints = dir.resolve("checkpoints");
        String[] args = {"reproduce", "fashion-mnist-resnet20", "--quick", "--results-dir", results.toString(),
                "--checkpoints-dir", checkpoints.toString()};
        assertEquals(0, Main.commandLine().execute(args));

        Path out = results.resolve("fashion-mnist-resnet20-quick");
        for (String f : List.of("table.md", "table.csv", "pairs.csv", "alphas.csv", "results.json", "methods.png",
                "alpha.png")) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        List<String> csv = Files.readAllLines(out.resolve("pairs.csv"));
        assertEquals(1 + 3 + 4, csv.size(), "header, base A/B, ensemble, 4 methods");
        for (String line : csv.subList(1, csv.size())) {
            String[] cells = line.split(",");
            for (int k = cells.length - 4; k < cells.length; k++) {
                double v = Double.parseDouble(cells[k]);
                assertTrue(v >= 0 && v <= 1, line);
            }
        }
        String ensemble = csv.stream().filter(l -> l.contains(",Ensemble,")).findFirst().orElseThrow();
        String[] e = ensemble.split(",");
        assertTrue(Double.parseDouble(e[e.length - 4]) > 0.1, "ensemble Joint above 10-class chance: " + ensemble);
        String md = Files.readString(out.resolve("table.md"));
        assertTrue(md.contains("| MuDSC_zip |") && md.contains("| ZipIt! |") && md.contains("Command: `"), md);

        // Second run: earlier results stay untouched (the run gets its own folder); finished checkpoints are reused.
        String firstTable = Files.readString(out.resolve("table.md"));
        assertEquals(0, Main.commandLine().execute(args));
        assertEquals(firstTable, Files.readString(out.resolve("table.md")));
        try (var s = Files.list(results)) {
            assertTrue(s.anyMatch(p -> p.getFileName().toString().startsWith("fashion-mnist-resnet20-quick-run-")));
        }
        List<Path> zips;
        try (var s = Files.walk(checkpoints)) {
            zips = s.filter(p -> p.toString().endsWith(".zip")).toList();
        }
        assertEquals(2, zips.size());
        assertTrue(zips.stream().anyMatch(p -> p.getFileName().toString().startsWith("seed0"))
                && zips.stream().anyMatch(p -> p.getFileName().toString().startsWith("seed1")),
                "the two task models start from independent inits: " + zips);
        var before = Files.getLastModifiedTime(zips.get(0));
        assertNotEquals(0, Main.commandLine().execute("reproduce", "no-such-experiment"));
        String[] again = java.util.Arrays.copyOf(args, args.length + 1);
        again[args.length] = "--overwrite";
        assertEquals(0, Main.commandLine().execute(again));
        assertEquals(before, Files.getLastModifiedTime(zips.get(0)), "finished task models are reused");
        assertTrue(Files.readString(out.resolve("table.md")).contains("--overwrite"), "the table names its command");
    }
}

package org.mudsc4j.eval.landscape;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mudsc4j.cli.Main;
import org.mudsc4j.data.Normalization;
import org.mudsc4j.data.ImageDataset;

/** The landscape's task pairs, and the whole experiment end to end on tiny MLPs with two seeds. */
class LandscapeTest {

    private static ImageDataset tenClasses() {
        List<String> names = IntStream.range(0, 10).mapToObj(c -> "c" + c).toList();
        int[] labels = IntStream.range(0, 10).toArray();
        return new ImageDataset("ten", 1, 2, 2, names, new Normalization(new double[] {0}, new double[] {1}),
                new byte[40], labels);
    }

    @Test
    void primeOddLabelsTheClassIndexAsTheReferenceLabelsDigits() {
        int[][] labels = BinaryTasks.PRIME_ODD.labels(tenClasses());
        // task A: 1 = prime (2, 3, 5, 7); task B: 3 = odd, 2 = even
        assertArrayEquals(new int[] {0, 0, 1, 1, 0, 1, 0, 1, 0, 0}, labels[0]);
        assertArrayEquals(new int[] {2, 3, 2, 3, 2, 3, 2, 3, 2, 3}, labels[1]);
        assertEquals(List.of("non-prime", "prime", "even", "odd"), BinaryTasks.PRIME_ODD.taskA(tenClasses())
                .classNames());
    }

    @Test
    void garmentsLabelFootwearAndUpperBody() {
        int[][] labels = BinaryTasks.GARMENTS.labels(tenClasses());
        assertArrayEquals(new int[] {0, 0, 0, 0, 0, 1, 0, 1, 0, 1}, labels[0]);
        assertArrayEquals(new int[] {3, 2, 3, 2, 3, 2, 3, 2, 2, 2}, labels[1]);
    }

    @Test
    void taskPairsAreNamed() {
        assertEquals(BinaryTasks.PRIME_ODD, BinaryTasks.parse("prime-odd"));
        assertEquals(BinaryTasks.GARMENTS, BinaryTasks.parse("garments"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BinaryTasks.parse("odd"));
        assertTrue(e.getMessage().contains("prime-odd"), e.getMessage());
    }

    @Test
    void majorityIsTheShareOfTheLargerClass() {
        assertEquals(0.75, LossLandscape.majority(new int[] {1, 0, 0, 0}));
        assertEquals(0.75, LossLandscape.majority(new int[] {1, 1, 0, 1}));
    }

    /** Points on a 2-D plane in 50 dimensions: the fitted plane holds them, and projecting a plane point inverts it. */
    @Test
    void planeOfPointsOnAPlaneExplainsAllTheirVariance() {
        java.util.Random rnd = new java.util.Random(7);
        double[] origin = rnd.doubles(50, -3, 3).toArray();
        double[] u = rnd.doubles(50, -1, 1).toArray();
        double[] v = rnd.doubles(50, -1, 1).toArray();
        List<double[]> points = new java.util.ArrayList<>();
        for (int k = 0; k < 12; k++) {
            double a = 4 * rnd.nextGaussian();
            double b = rnd.nextGaussian();
            double[] p = origin.clone();
            for (int i = 0; i < p.length; i++) {
                p[i] += a * u[i] + b * v[i];
            }
            points.add(p);
        }
        LossLandscape.Plane plane = LossLandscape.Plane.fit(points);
        assertEquals(1.0, plane.explained[0] + plane.explained[1], 1e-9);
        assertTrue(plane.explained[0] > plane.explained[1]);
        for (double[] p : points) { // every point lies on the plane: mean + x·pc1 + y·pc2 gives it back
            double[] xy = plane.project(p);
            assertArrayEquals(p, plane.point(xy[0], xy[1]), 1e-9);
        }
    }

    /** Tiny MLPs on the bundled data: one landscape per seed, a summary over the seeds, checkpoints per task pair. */
    @Test
    void landscapeOfTwoSeedsWritesEachFigureAndASummary(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("landscape");
        Path checkpoints = dir.resolve("checkpoints");
        assertEquals(0, Main.commandLine().execute("landscape", "--hidden", "16", "--embed-dim", "8", "--epochs", "1",
                "--train-per-class", "30", "--feature-images", "100", "--test-images", "100", "--grid", "3",
                "--tasks", "prime-odd", "--seeds", "0,2", "--out", out.toString(), "--checkpoints-dir",
                checkpoints.toString()));
        for (String f : List.of("landscape.png", "grid.csv", "landscape.md", "seed-2/landscape.png",
                "seed-2/grid.csv")) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        assertEquals(1 + 9, Files.readAllLines(out.resolve("grid.csv")).size(), "header and a 3x3 grid");
        String md = Files.readString(out.resolve("landscape.md"));
        assertTrue(md.contains("--tasks prime-odd --seeds 0,2`") && md.contains("Task A = prime vs non-prime")
                && md.contains("## Merged models (r = 0.5) over 2 seeds") && md.contains("| MuDSC_zip |")
                && md.contains("## Seed 2 (MLPs trained with seeds 4 and 5)"), md);
        try (var s = Files.walk(checkpoints)) {
            List<String> zips = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".zip")).sorted()
                    .toList();
            assertEquals(List.of("prime-odd-taskA-seed0-e1.zip", "prime-odd-taskA-seed4-e1.zip",
                    "prime-odd-taskB-seed1-e1.zip", "prime-odd-taskB-seed5-e1.zip"), zips);
        }
        // A seed listed twice is refused before any work.
        assertEquals(2, Main.commandLine().execute("landscape", "--seeds", "1,1", "--out", dir.resolve("x")
                .toString()));
        assertTrue(Files.notExists(dir.resolve("x")));
    }
}

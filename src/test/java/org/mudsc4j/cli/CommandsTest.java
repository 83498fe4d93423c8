package org.mudsc4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mudsc4j.merge.MergedModelFile;

/** Every command has --help; merge / eval / sweep / bench run end to end on two tiny trained checkpoints. */
class CommandsTest {
    @TempDir
    static Path dir;
    static Path a;
    static Path b;

    @BeforeAll
    static void trainTwoTinyTaskModels() {
        a = dir.resolve("a.zip");
        b = dir.resolve("b.zip");
        for (String[] side : new String[][] {{"A", a.toString()}, {"B", b.toString()}}) {
            assertEquals(0, Main.commandLine().execute("train", "--model", "resnet20x1", "--run", "0", "--side",
                    side[0], "--epochs", "1", "--per-class", "16", "--batch", "16", "--lr", "0.05", "--out", side[1]));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"reproduce", "train", "merge", "sweep", "eval", "landscape", "bench", "export", "import",
            "fetch"})
    void everyCommandHasHelp(String command) {
        assertEquals(0, Main.commandLine().execute(command, "--help"));
    }

    @Test
    void mergeSavesALoadableModelAndEvalReadsIt() throws IOException {
        // Two methods in one process: one BN re-estimation and feature pass, a model per method in the --out folder.
        Path folder = dir.resolve("merged");
        assertEquals(0, Main.commandLine().execute("merge", a.toString(), b.toString(), "--method", "mudsc-zip,avg",
                "--alpha", "0.5", "--per-class", "8", "--batch", "16", "--out", folder.toString()));
        Path out = folder.resolve("mudsc-zip-a0.50.zip");
        MergedModelFile.Info info = MergedModelFile.readInfo(out);
        assertEquals("mudsc-zip", info.method());
        assertTrue(info.metrics().get("joint") >= 0 && info.metrics().get("joint") <= 1);
        assertTrue(info.inputs().get(0).endsWith("a.zip"));
        assertEquals("avg", MergedModelFile.readInfo(folder.resolve("avg.zip")).method());
        assertEquals(0, Main.commandLine().execute("eval", out.toString(), a.toString(), "--run", "0"));
        // Never overwritten silently, and the refusal comes before any work.
        assertNotEquals(0, Main.commandLine().execute("merge", a.toString(), b.toString(), "--method", "avg",
                "--per-class", "8", "--out", out.toString()));
        assertNotEquals(0, Main.commandLine().execute("merge", a.toString(), b.toString(), "--method", "all",
                "--per-class", "8", "--out", folder.toString()));
        assertEquals("mudsc-zip", MergedModelFile.readInfo(out).method());
    }

    @Test
    void exportThenImportGivesAMergeableCheckpointWithTheSameOutputs() throws Exception {
        Path npz = dir.resolve("a.npz");
        assertEquals(0, Main.commandLine().execute("export", a.toString(), "--out", npz.toString()));
        Path back = dir.resolve("a-imported.zip");
        assertEquals(0, Main.commandLine().execute("import", npz.toString(), "--out", back.toString()));
        var original = org.mudsc4j.train.Checkpoint.load(a).graph();
        var imported = org.mudsc4j.train.Checkpoint.load(back);
        assertEquals(org.mudsc4j.train.Checkpoint.readInfo(a).run().metadata().get("split"),
                imported.info().run().metadata().get("split"));
        org.nd4j.linalg.factory.Nd4j.getRandom().setSeed(1);
        var x = org.nd4j.linalg.factory.Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 2, 1, 28, 28);
        var ya = original.outputSingle(false, x);
        double rel = ya.sub(imported.graph().outputSingle(false, x)).amaxNumber().doubleValue()
                / ya.amaxNumber().doubleValue();
        assertTrue(rel <= 1e-4, "relative error " + rel);
        // The imported checkpoint merges like a trained one.
        assertEquals(0, Main.commandLine().execute("merge", back.toString(), b.toString(), "--method", "zipit",
                "--per-class", "8", "--batch", "16", "--out", dir.resolve("m2.zip").toString()));
        assertNotEquals(0, Main.commandLine().execute("import", npz.toString(), "--out", back.toString()),
                "no silent overwrite");
    }

    @Test
    void sweepAndBenchRun() {
        assertEquals(0, Main.commandLine().execute("sweep", a.toString(), b.toString(), "--count", "2",
                "--per-class", "8", "--selection-per-class", "4", "--batch", "16"));
        assertEquals(0, Main.commandLine().execute("bench", "train", "--models", "resnet20x1", "--input", "3x8x8",
                "--batch", "4", "--warmup", "1", "--iters", "1", "--infer-iters", "1"));
        assertEquals(0, Main.commandLine().execute("bench", "merge", "--models", "resnet20x1-e8", "--inputs", "3x8x8",
                "--methods", "act-align,mudsc-zip", "--images", "16", "--batch", "8", "--solver-sizes", "16"));
    }

    @Test
    void incompatibleInputsAreRefusedWithAReason() throws IOException {
        // Same task twice: the tasks must be disjoint.
        assertNotEquals(0, Main.commandLine().execute("merge", a.toString(), a.toString(), "--per-class", "8"));
        // A sidecar claiming other class embeddings.
        Path c = dir.resolve("c.zip");
        Files.copy(a, c);
        String sidecar = Files.readString(dir.resolve("b.json"));
        Files.writeString(dir.resolve("c.json"), sidecar.replaceFirst("\"embeddings\" ?: ?\"[^\"]+\"",
                "\"embeddings\":\"other\""));
        assertNotEquals(0, Main.commandLine().execute("merge", a.toString(), c.toString(), "--per-class", "8"));
        assertNotEquals(0, Main.commandLine().execute("merge", a.toString(), b.toString(), "--alpha", "1.5",
                "--per-class", "8", "--out", dir.resolve("x.zip").toString()));
    }
}

package org.mudsc4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mudsc4j.train.Checkpoint;
import org.mudsc4j.train.ClassEmbeddings;
import picocli.CommandLine;

/**
 * Bad input, command family by command family: one line {@code mudsc: <message>} naming the file, layer or option,
 * exit code 2, no stack trace unless {@code --verbose}, and nothing half-written left behind. The README's
 * bad-input table lists these cases.
 */
class CliErrorsTest {
    @TempDir
    static Path dir;
    static Path a;
    static Path b;

    /** Exit code and stderr of one command. */
    record Outcome(int code, String err) {
        /** The single error line (further lines only point to --help or --verbose). */
        String message() {
            return err.lines().findFirst().orElse("");
        }
    }

    static Outcome run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Outcome(code, err.toString());
    }

    static void assertBadInput(Outcome o, String... mentions) {
        assertEquals(CliErrors.BAD_INPUT, o.code(), o.err());
        assertTrue(o.message().startsWith("mudsc: "), o.err());
        assertFalse(o.err().contains("\tat "), "a stack trace without --verbose:\n" + o.err());
        for (String m : mentions) {
            assertTrue(o.message().contains(m), "'" + m + "' not in: " + o.message());
        }
    }

    @BeforeAll
    static void trainTwoTinyTaskModels() {
        a = dir.resolve("a.zip");
        b = dir.resolve("b.zip");
        for (String[] side : new String[][] {{"A", a.toString()}, {"B", b.toString()}}) {
            assertEquals(0, run("train", "--model", "resnet20x1", "--run", "0", "--side", side[0], "--epochs", "1",
                    "--per-class", "8", "--batch", "8", "--out", side[1]).code());
        }
    }

    @Test
    void optionErrorsAreOneLineWithAPointerToHelp() {
        Outcome o = run("merge", a.toString(), b.toString(), "--no-such-option");
        assertBadInput(o, "--no-such-option");
        assertTrue(o.err().contains("mudsc merge --help"), o.err());
        assertBadInput(run("merge", a.toString(), b.toString(), "--alpha", "1.5", "--per-class", "8"), "alpha", "1.5");
        assertBadInput(run("merge", a.toString(), b.toString(), "--method", "avg,zip"), "'zip'", "mudsc-zip");
        assertBadInput(run("merge", a.toString(), b.toString(), "--method", "avg, avg"), "listed twice");
        assertBadInput(run("train", "--model", "resnet21", "--epochs", "1"), "resnet21");
        assertBadInput(run("train", "--side", "C", "--epochs", "1"), "--side", "C");
        assertBadInput(run("reproduce", "no-such-experiment"), "no-such-experiment");
        assertBadInput(run("sweep", a.toString(), b.toString(), "--search", "sideways"), "sideways");
    }

    @Test
    void verbosePrintsTheStackTrace() {
        Outcome o = run("merge", a.toString(), a.toString(), "--per-class", "8", "--verbose");
        assertEquals(CliErrors.BAD_INPUT, o.code());
        assertTrue(o.message().contains("share classes"), o.err());
        assertTrue(o.err().contains("\tat org.mudsc4j."), o.err());
    }

    @Test
    void modelFilesAreCheckedBeforeTheDatasetsAreRead() {
        Path missing = dir.resolve("nope.zip");
        Path noData = dir.resolve("no-datasets-here");
        assertBadInput(run("eval", missing.toString(), "--datasets-dir", noData.toString()), "nope.zip",
                "does not exist");
        assertBadInput(run("merge", a.toString(), missing.toString(), "--datasets-dir", noData.toString()),
                "nope.zip");
        assertBadInput(run("export", missing.toString()), "nope.zip");
        // With existing models, the missing datasets are named instead.
        assertBadInput(run("eval", a.toString(), "--datasets-dir", noData.toString()), "no-datasets-here");
    }

    @Test
    void defaultFoldersAreThoseOfTheInstallationNotTheCurrentFolder() throws IOException {
        Path home = Files.createDirectories(dir.resolve("install"));
        System.setProperty(Installation.PROPERTY, home.toString());
        try {
            // The datasets are looked for under the installation (here empty), whatever the current folder is.
            assertBadInput(run("eval", a.toString()), home.resolve("datasets").toString());
            Files.createDirectories(home.resolve("experiments"));
            Files.writeString(home.resolve("experiments/mine.yaml"), "name: [unclosed");
            assertEquals(home.resolve("experiments/mine.yaml"), ReproduceCommand.experimentFile("mine"));
        } finally {
            System.clearProperty(Installation.PROPERTY);
        }
    }

    @Test
    void damagedCheckpointsAreNamedWithWhatToDo() throws IOException {
        // Truncated zip beside its own sidecar: the recorded SHA-256 catches it before the zip is parsed.
        Path cut = copyCheckpoint(a, "cut");
        byte[] bytes = Files.readAllBytes(cut);
        Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2));
        for (String command : new String[] {"merge", "eval"}) {
            Outcome o = command.equals("merge") ? run("merge", cut.toString(), b.toString(), "--per-class", "8")
                    : run("eval", cut.toString());
            assertBadInput(o, "cut.zip", "does not match its sidecar", "--overwrite");
        }
        // A zip beside another model's sidecar.
        Path swapped = dir.resolve("swapped.zip");
        Files.copy(a, swapped);
        Files.copy(Checkpoint.sidecarOf(b), Checkpoint.sidecarOf(swapped));
        assertBadInput(run("merge", swapped.toString(), a.toString(), "--per-class", "8"), "swapped.zip",
                "does not match");
        // A corrupt sidecar, and a zip without any.
        Path badJson = copyCheckpoint(a, "bad-json");
        Files.writeString(Checkpoint.sidecarOf(badJson), "{ not json");
        assertBadInput(run("merge", badJson.toString(), b.toString()), "bad-json.json", "corrupt");
        Path lone = dir.resolve("lone.zip");
        Files.copy(a, lone);
        assertBadInput(run("merge", lone.toString(), b.toString()), "lone.json", "missing");
        // A merged or foreign model zip (no checkpoint sidecar) that is truncated.
        Path foreign = dir.resolve("foreign.zip");
        Files.write(foreign, Arrays.copyOf(bytes, bytes.length / 3));
        assertBadInput(run("eval", foreign.toString()), "foreign.zip", "not a readable");
    }

    @Test
    void nanWeightsAreRefusedNamingTheParameter() throws IOException {
        Checkpoint.Loaded loaded = Checkpoint.load(a);
        ComputationGraph g = loaded.graph();
        g.getParam("layer2.0.conv1_W").putScalar(3, Float.NaN);
        Path nan = dir.resolve("nan.zip");
        Checkpoint.save(nan, g, loaded.info());
        assertBadInput(run("merge", nan.toString(), b.toString(), "--per-class", "8"), "nan.zip",
                "layer2.0.conv1_W", "NaN");
        Path plain = dir.resolve("nan-plain.zip");
        ModelSerializer.writeModel(g, plain.toFile(), false);
        assertBadInput(run("eval", plain.toString()), "nan-plain.zip", "layer2.0.conv1_W");
    }

    @Test
    void wrongDatasetFilesAreNamed() throws IOException {
        Path root = dir.resolve("bad-datasets");
        Path fm = Files.createDirectories(root.resolve("fashion-mnist"));
        try (Stream<Path> files = Files.list(Path.of("datasets", "fashion-mnist"))) {
            for (Path f : files.toList()) {
                Files.copy(f, fm.resolve(f.getFileName()));
            }
        }
        // The test labels in place of the test images.
        Files.copy(fm.resolve("t10k-labels-idx1-ubyte.gz"), fm.resolve("t10k-images-idx3-ubyte.gz"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertBadInput(run("eval", a.toString(), "--datasets-dir", root.toString()), "t10k-images-idx3-ubyte.gz");
        Files.writeString(fm.resolve("t10k-images-idx3-ubyte.gz"), "not gzip at all");
        assertBadInput(run("eval", a.toString(), "--datasets-dir", root.toString()), "t10k-images-idx3-ubyte.gz");
    }

    @Test
    void corruptNpzFilesAreNamed() throws IOException {
        Path garbage = dir.resolve("garbage.npz");
        Files.writeString(garbage, "PK but not really a zip");
        assertBadInput(run("import", garbage.toString(), "--out", dir.resolve("g.zip").toString()), "garbage.npz");
        assertFalse(Files.exists(dir.resolve("g.zip")));
        Path npz = dir.resolve("good.npz");
        assertEquals(0, run("export", a.toString(), "--out", npz.toString()).code());
        byte[] bytes = Files.readAllBytes(npz);
        Path cut = dir.resolve("cut.npz");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2));
        assertBadInput(run("import", cut.toString(), "--out", dir.resolve("c.zip").toString()), "cut.npz");
        assertFalse(Files.exists(dir.resolve("c.zip")));
        // A state_dict of another architecture.
        assertBadInput(run("import", npz.toString(), "--model", "resnet20x2", "--out",
                dir.resolve("w.zip").toString()), "resnet20x2");
        assertFalse(Files.exists(dir.resolve("w.zip")));
    }

    @Test
    void anUnwritableOutputFolderLeavesNothingBehind() throws IOException {
        Path file = dir.resolve("a-file");
        Files.writeString(file, "x");
        Path out = file.resolve("merged.zip");
        assertBadInput(run("merge", a.toString(), b.toString(), "--method", "avg", "--per-class", "8", "--out",
                out.toString()), "a-file");
        assertEquals("x", Files.readString(file));
        try (Stream<Path> left = Files.list(dir)) {
            assertTrue(left.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "temporary files left");
        }
    }

    @Test
    void anInterruptedMergeIsNamedAndARerunGivesTheSameModel() throws IOException {
        Path clean = dir.resolve("clean.zip");
        String[] merge = {"merge", a.toString(), b.toString(), "--method", "zipit", "--per-class", "8", "--batch", "8"};
        assertEquals(0, run(concat(merge, "--out", clean.toString())).code());
        // Interrupted between the model and its sidecar: the lone zip is named, not silently replaced or reused.
        Path broken = dir.resolve("broken.zip");
        Files.writeString(broken, "half a zip");
        Outcome o = run(concat(merge, "--out", broken.toString()));
        assertBadInput(o, "broken.zip", "interrupted", "--overwrite");
        assertEquals(0, run(concat(merge, "--out", broken.toString(), "--overwrite")).code());
        ComputationGraph x = ModelSerializer.restoreComputationGraph(clean.toFile(), false);
        ComputationGraph y = ModelSerializer.restoreComputationGraph(broken.toFile(), false);
        assertArrayEquals(x.params().toFloatVector(), y.params().toFloatVector());
    }

    @Test
    void anExportedEmbeddingMatrixIsAcceptedBack() throws IOException {
        Path npy = dir.resolve("default-embeddings.npy");
        ClassEmbeddings.seeded(10, 0).save(npy);
        assertEquals(0, run("merge", a.toString(), b.toString(), "--method", "avg", "--per-class", "8",
                "--embeddings", npy.toString(), "--out", dir.resolve("emb.zip").toString()).code());
        Path other = dir.resolve("other-embeddings.npy");
        ClassEmbeddings.seeded(10, 5).save(other);
        assertBadInput(run("merge", a.toString(), b.toString(), "--method", "avg", "--per-class", "8",
                "--embeddings", other.toString()), "other-embeddings.npy", "trained with");
    }

    private static Path copyCheckpoint(Path from, String name) throws IOException {
        Path to = dir.resolve(name + ".zip");
        Files.copy(from, to);
        Files.copy(Checkpoint.sidecarOf(from), Checkpoint.sidecarOf(to));
        return to;
    }

    private static String[] concat(String[] head, String... tail) {
        List<String> all = new java.util.ArrayList<>(List.of(head));
        all.addAll(List.of(tail));
        return all.toArray(String[]::new);
    }
}

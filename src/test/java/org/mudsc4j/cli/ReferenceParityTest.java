package org.mudsc4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mudsc4j.interop.NpzFile;
import org.mudsc4j.interop.TorchStateDict;
import org.mudsc4j.merge.MergedModelFile;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Exact parity with the official reference code (fixture {@code src/test/resources/parity/}, see its FIXTURE.md): two
 * ResNet-20×1 models that this project trained and exported were merged by the reference with every method. Here the
 * same two models are imported and merged in parity mode — the reference run's training images in its order, no
 * augmentation, the reference's sweep order, α 0.5, batch 100 — and every method's Joint / Task A / Task B / Avg on
 * the 10,000 test images must lie within 0.05 points of the reference's, with the same number of sweeps; for the
 * alignment methods (units in model A's order) every merged tensor must match the reference's to 1e-4 relative error.
 */
class ReferenceParityTest {
    private static final double POINTS = 0.05;
    private static final double WEIGHT_RELATIVE_ERROR = 1e-4;
    private static final List<String> ALIGNMENT = List.of("avg", "rebasin", "act-align", "mudsc-align");
    private static final List<String> METRICS = List.of("joint", "task_a", "task_b", "avg");

    @TempDir
    Path dir;

    private static Path fixture(String name) throws Exception {
        return Path.of(ReferenceParityTest.class.getResource("/parity/" + name).toURI());
    }

    @Test
    void everyMethodReproducesTheReferenceOnItsOwnInputs() throws Exception {
        Path a = dir.resolve("a.zip");
        Path b = dir.resolve("b.zip");
        assertEquals(0, Main.commandLine().execute("import", fixture("model_a.npz").toString(), "--out", a.toString()));
        assertEquals(0, Main.commandLine().execute("import", fixture("model_b.npz").toString(), "--out", b.toString()));
        Path out = dir.resolve("merged");
        assertEquals(0, Main.commandLine().execute("merge", a.toString(), b.toString(), "--method", "all", "--alpha",
                "0.5", "--batch", "100", "--train-indices", fixture("train_idx.npy").toString(), "--augment", "none",
                "--order", "reference", "--out", out.toString()));

        JsonNode reference = new ObjectMapper().readTree(fixture("reference-results.json").toFile()).get("methods");
        List<String> failures = new ArrayList<>();
        for (var it = reference.fields(); it.hasNext(); ) {
            var e = it.next();
            String method = e.getKey();
            JsonNode want = e.getValue();
            Path zip = out.resolve(method + (method.startsWith("mudsc") ? "-a0.50" : "") + ".zip");
            MergedModelFile.Info info = MergedModelFile.readInfo(zip);
            Map<String, Double> got = Map.of("joint", info.metrics().get("joint"), "task_a",
                    info.metrics().get("taskA"), "task_b", info.metrics().get("taskB"), "avg", info.metrics().get("avg"));
            for (String m : METRICS) {
                double diff = 100 * Math.abs(got.get(m) - want.get(m).asDouble());
                if (diff > POINTS) {
                    failures.add(String.format(Locale.ROOT, "%s %s: %.2f here, %.2f in the reference", method, m,
                            100 * got.get(m), 100 * want.get(m).asDouble()));
                }
            }
            // weight average: the identity is taken directly, without the reference's trivial sweeps
            if (!method.equals("avg") && want.get("sweeps").asInt() != info.sweeps().size()) {
                failures.add(method + ": " + info.sweeps().size() + " sweeps here, " + want.get("sweeps").asInt()
                        + " in the reference");
            }
            if (ALIGNMENT.contains(method)) {
                failures.addAll(weightDifferences(method, zip));
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    /** Every tensor of the merged model whose relative error to the reference's merged tensor exceeds the bound. */
    private static List<String> weightDifferences(String method, Path zip) throws Exception {
        Map<String, INDArray> ours = TorchStateDict.export(SavedModels.load(zip));
        Map<String, INDArray> theirs = NpzFile.read(fixture("reference-merged/" + method + ".npz"));
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, INDArray> t : theirs.entrySet()) {
            String name = t.getKey();
            if (name.endsWith("num_batches_tracked")) {
                continue;
            }
            INDArray mine = ours.get(name);
            if (mine == null) {
                out.add(method + ": no tensor " + name);
                continue;
            }
            INDArray want = t.getValue().castTo(DataType.DOUBLE);
            double err = mine.castTo(DataType.DOUBLE).reshape(want.shape()).sub(want).norm2Number().doubleValue()
                    / Math.max(want.norm2Number().doubleValue(), 1e-12);
            if (err > WEIGHT_RELATIVE_ERROR) {
                out.add(String.format(Locale.ROOT, "%s %s: relative error %.2e", method, name, err));
            }
        }
        return out;
    }
}

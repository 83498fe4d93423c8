package org.mudsc4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mudsc4j.cli.Main;
import org.mudsc4j.zoo.ModelSpec;

/** The PyTorch peer is run as a child process; a shell script stands in for python + torch_train_bench.py. */
class TorchPeerTest {
    @TempDir
    Path dir;

    private Path script(String body) throws IOException {
        Path s = dir.resolve("peer.sh");
        Files.writeString(s, body);
        return s;
    }

    @Test
    void readsThePeersFiguresAndPassesWidthThreadsIters() throws IOException {
        Path s = script("echo \"torch 1.13 threads=$2 width=$1 iters=$3 input=$4x$5x$5: TRAIN 12.5 img/s  INFER 50.0 img/s"
                + "  BN-RESET 40.0 img/s\"\n");
        TorchPeer.Result r = TorchPeer.run(s, "/bin/sh", 4, 2, 7, new ModelSpec.InputShape(1, 28, 28));
        assertEquals(12.5, r.trainImagesPerSecond());
        assertEquals(50.0, r.inferImagesPerSecond());
        assertEquals(40.0, r.bnResetImagesPerSecond());
        assertEquals("torch 1.13 threads=2 width=4 iters=7 input=1x28x28: TRAIN 12.5 img/s  INFER 50.0 img/s"
                + "  BN-RESET 40.0 img/s", r.line());
        Path older = script("echo \"torch: TRAIN 12.5 img/s  INFER 50.0 img/s\"\n");
        assertTrue(Double.isNaN(TorchPeer.run(older, "/bin/sh", 1, 2, 1, ModelSpec.DEFAULT_INPUT)
                .bnResetImagesPerSecond()), "a peer without the BN reset timing");
        assertThrows(IllegalArgumentException.class,
                () -> TorchPeer.run(s, "/bin/sh", 1, 2, 1, new ModelSpec.InputShape(3, 32, 16)));
    }

    @Test
    void failuresSayWhatHappened() throws IOException {
        IOException missing = assertThrows(IOException.class,
                () -> TorchPeer.run(dir.resolve("nope.py"), "/bin/sh", 1, 2, 1, ModelSpec.DEFAULT_INPUT));
        assertTrue(missing.getMessage().contains("not found"), missing.getMessage());
        Path s = script("echo \"ModuleNotFoundError: No module named 'torch'\" >&2; exit 1\n");
        IOException failed = assertThrows(IOException.class,
                () -> TorchPeer.run(s, "/bin/sh", 1, 2, 1, ModelSpec.DEFAULT_INPUT));
        assertTrue(failed.getMessage().contains("No module named 'torch'"), failed.getMessage());
    }

    @Test
    void benchTrainPrintsTheRatioBesidePyTorch() throws IOException {
        Path s = script("echo \"torch stand-in: TRAIN 1000.0 img/s  INFER 1000.0 img/s\"\n");
        Path report = dir.resolve("bench.md");
        assertEquals(0, Main.commandLine().execute("bench", "train", "--models", "resnet20x1,resnet20gnx1", "--input",
                "3x8x8", "--batch", "4", "--warmup", "1", "--iters", "1", "--infer-iters", "1", "--torch",
                s.toString(), "--python", "/bin/sh", "--out", report.toString()));
        String md = Files.readString(report);
        assertTrue(md.contains("| PyTorch train |"), md);
        assertTrue(md.matches("(?s).*\\| resnet20x1 \\|[^\\n]*\\| 1000\\.0 \\| 1000\\.0 \\| \\d+\\.\\d\\d× \\|.*"), md);
        assertTrue(md.matches("(?s).*\\| resnet20gnx1 \\|[^\\n]*\\| – \\| – \\| – \\| – \\|.*"),
                "no PyTorch peer for GroupNorm: " + md);
        assertTrue(md.contains("`torch stand-in: TRAIN 1000.0 img/s  INFER 1000.0 img/s`"), md);
    }

    @Test
    void benchMergePutsTheInferencePassesBesidePyTorch() throws IOException {
        Path s = script("echo \"torch stand-in input=$4x$5x$5: TRAIN 1000.0 img/s  INFER 1000.0 img/s  BN-RESET 500.0"
                + " img/s\"\n");
        Path report = dir.resolve("bench-merge.md");
        assertEquals(0, Main.commandLine().execute("bench", "merge", "--models", "resnet20x1,resnet20gnx1",
                "--inputs", "3x8x8,1x6x6", "--methods", "act-align", "--images", "8", "--batch", "4",
                "--solver-sizes", "16", "--torch", s.toString(), "--python", "/bin/sh", "--out", report.toString()));
        String md = Files.readString(report);
        String figures = "(?: [0-9.]+ \\|){4}";
        assertTrue(md.matches("(?s).*\\| resnet20x1 \\| 3x8x8 \\|" + figures + " 1000\\.0 \\| 500\\.0 \\|"
                + "(?: \\d+\\.\\d\\d× \\|){4}\n.*"), md);
        assertTrue(md.matches("(?s).*\\| resnet20x1 \\| 1x6x6 \\|" + figures + " 1000\\.0 \\|.*"), md);
        assertTrue(md.matches("(?s).*\\| resnet20gnx1 \\| 3x8x8 \\|" + figures + "(?: – \\|){6}\n.*"),
                "no PyTorch peer for GroupNorm: " + md);
        assertTrue(md.contains("`torch stand-in input=1x6x6: TRAIN 1000.0 img/s  INFER 1000.0 img/s  BN-RESET 500.0"
                + " img/s`"), "the peer gets the input shape: " + md);
        assertTrue(md.contains("stock inference"), md);
        assertTrue(md.contains("--inputs 3x8x8,1x6x6") && md.contains("--torch " + s), md);
    }
}

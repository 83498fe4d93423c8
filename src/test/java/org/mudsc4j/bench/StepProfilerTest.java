package org.mudsc4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mudsc4j.cli.Main;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StepProfilerTest {
    @TempDir
    Path dir;

    private static StackTraceElement frame(String cls, String method) {
        return new StackTraceElement(cls, method, null, -1);
    }

    @Test
    void attributesASampleToTheInnermostLayerOrVertex() {
        try (StepProfiler p = StepProfiler.start(Thread.currentThread())) {
            assertEquals("DirectBatchNormLayer.preOutput", p.owner(new StackTraceElement[] {
                    frame("org.mudsc4j.dl4j.NormKernels", "batchNormForward"),
                    frame("org.mudsc4j.dl4j.DirectBatchNormLayer", "preOutput"),
                    frame("org.deeplearning4j.nn.graph.vertex.impl.LayerVertex", "doForward"),
                    frame("org.deeplearning4j.nn.graph.ComputationGraph", "fit")}));
            assertEquals("DirectBackpropConvolution.backpropGradient", p.owner(new StackTraceElement[] {
                    frame("org.mudsc4j.dl4j.DirectBackpropConvolution$Runtime", "backpropGradient"),
                    frame("org.deeplearning4j.nn.graph.vertex.impl.LayerVertex", "doBackward")}));
            assertEquals("updater (SGD momentum, weight decay)", p.owner(new StackTraceElement[] {
                    frame("org.nd4j.linalg.api.ndarray.BaseNDArray", "muli"),
                    frame("org.deeplearning4j.nn.updater.UpdaterBlock", "update"),
                    frame("org.deeplearning4j.nn.graph.ComputationGraph", "fit")}));
            assertEquals("graph bookkeeping and other", p.owner(new StackTraceElement[] {
                    frame("org.deeplearning4j.nn.graph.ComputationGraph", "fit")}));
        }
    }

    @Test
    void benchTrainReportsWhereAStepGoes() throws IOException {
        Path report = dir.resolve("bench.md");
        assertEquals(0, Main.commandLine().execute("bench", "train", "--models", "resnet20x1", "--input", "3x8x8",
                "--batch", "8", "--warmup", "2", "--iters", "30", "--infer-iters", "1", "--profile",
                "--out", report.toString()));
        String md = Files.readString(report);
        assertTrue(md.contains(" --profile "), md);
        assertTrue(md.contains("Where a training step of resnet20x1@3x8x8 goes"), md);
        double total = 0;
        for (String line : md.split("\n")) {
            if (line.matches("\\| .+ \\| \\d+\\.\\d \\| \\d+\\.\\d % \\|")) {
                total += Double.parseDouble(line.replaceAll(".*\\| (\\d+\\.\\d) % \\|$", "$1"));
            }
        }
        assertEquals(100, total, 1.0, "shares of a step must add up: " + md);
    }
}

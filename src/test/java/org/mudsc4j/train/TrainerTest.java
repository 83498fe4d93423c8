package org.mudsc4j.train;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mudsc4j.eval.TaskEvaluation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainerTest {
    private static final int[] TASK = {5, 1, 7, 2};
    private static final int K = TASK.length;
    private static final int IN = 6;
    private static final int DIM = 16;
    private static final ClassEmbeddings EMB = ClassEmbeddings.seeded(8, DIM, 0);
    private static final DataSet TRAIN = TinyNets.blobs(128, K, IN, 1);
    private static final DataSet TEST = TinyNets.blobs(80, K, IN, 2);
    private static final TrainConfig CFG = new TrainConfig(3, 32, 0.05, 0.9, 5e-4,
            TrainConfig.defaultWarmupEpochs(3), 0, 100, DIM);
    private static final RunIdentity RUN = new RunIdentity("tiny-mlp",
            Map.of("dataset", "blobs", "split", "5,1,7,2", "seed", "0", "embeddings", EMB.id()));

    private static ComputationGraph zoo(long seed) {
        return TinyNets.mlp(IN, 24, DIM, CosineHeadLoss.forTask(EMB, TASK, 100), true, seed, DataType.FLOAT);
    }

    private static TrainingData data() {
        return new TrainingData(TRAIN.numExamples(), epoch -> TinyNets.batches(TRAIN, 32, epoch));
    }

    private static double evaluate(ComputationGraph g) {
        return TaskEvaluation.taskAccuracy(g, TinyNets.batches(TEST, 40, 0), EMB, TASK);
    }

    private static TrainResult train(Path zip, EpochEvaluator eval, boolean overwrite) throws IOException {
        return new Trainer().train(zoo(42), CFG, data(), eval, zip, RUN, overwrite);
    }

    @Test
    void learnsSeparableTaskAndWritesOnlyTheCheckpointPair(@TempDir Path dir) throws IOException {
        double before = evaluate(zoo(42));
        TrainResult result = train(dir.resolve("net.zip"), TrainerTest::evaluate, false);
        List<EpochMetrics> h = result.info().history();
        assertEquals(3, h.size());
        assertTrue(h.get(2).trainLoss() < 0.5 * h.get(0).trainLoss(), "losses " + h);
        assertTrue(h.get(2).taskAccuracy() > 0.9, "accuracy " + h.get(2).taskAccuracy() + " (before " + before + ")");
        assertTrue(result.info().finished());
        assertEquals(3, result.info().epochsCompleted());
        assertEquals(12, result.graph().getIterationCount());
        assertEquals(3, result.graph().getEpochCount());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("net.json", "net.zip"), files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        Checkpoint.Loaded loaded = Checkpoint.loadFinished(dir.resolve("net.zip"), RUN);
        assertEquals(result.graph().params(), loaded.graph().params());
        assertEquals(result.info(), loaded.info());
    }

    @Test
    void resumingAfterAnInterruptionIsBitIdenticalToAStraightRun(@TempDir Path dir) throws IOException {
        TrainResult straight = train(dir.resolve("straight.zip"), TrainerTest::evaluate, false);

        Path zip = dir.resolve("resumed.zip");
        EpochEvaluator crashesInEpoch3 = g -> {
            if (g.getEpochCount() == 3) {
                throw new IOException("simulated crash");
            }
            return evaluate(g);
        };
        assertThrows(IOException.class, () -> train(zip, crashesInEpoch3, false));
        CheckpointInfo partial = Checkpoint.readInfo(zip);
        assertEquals(2, partial.epochsCompleted());
        assertTrue(!partial.finished());

        // A different initial graph is passed on purpose: resuming must use the checkpoint, not it.
        TrainResult resumed = new Trainer().train(zoo(999), CFG, data(), TrainerTest::evaluate, zip, RUN, false);
        assertEquals(3, resumed.info().history().size());
        assertEquals(straight.graph().params(), resumed.graph().params());
        assertEquals(straight.graph().getUpdater().getStateViewArray(),
                resumed.graph().getUpdater().getStateViewArray());
        assertEquals(straight.info().history().get(2).trainLoss(), resumed.info().history().get(2).trainLoss());
    }

    @Test
    void refusesFinishedCheckpointUnlessOverwriting(@TempDir Path dir) throws IOException {
        Path zip = dir.resolve("net.zip");
        train(zip, null, false);
        CheckpointConflictException e = assertThrows(CheckpointConflictException.class,
                () -> train(zip, null, false));
        assertTrue(e.getMessage().contains("already finished"), e.getMessage());
        String created = Checkpoint.readInfo(zip).created();
        TrainResult again = train(zip, null, true);
        assertTrue(again.info().finished());
        assertTrue(again.info().created().compareTo(created) >= 0);
    }

    @Test
    void refusesCheckpointOfADifferentRun(@TempDir Path dir) throws IOException {
        Path zip = dir.resolve("net.zip");
        assertThrows(IOException.class, () -> train(zip, g -> {
            if (g.getEpochCount() == 2) {
                throw new IOException("stop after one saved epoch");
            }
            return 0.0;
        }, false));
        assertEquals(1, Checkpoint.readInfo(zip).epochsCompleted());
        RunIdentity otherSplit = new RunIdentity("tiny-mlp",
                Map.of("dataset", "blobs", "split", "0,3,4,6", "seed", "0", "embeddings", EMB.id()));
        CheckpointConflictException e = assertThrows(CheckpointConflictException.class,
                () -> new Trainer().train(zoo(42), CFG, data(), null, zip, otherSplit, false));
        assertTrue(e.getMessage().contains("split: 5,1,7,2 vs 0,3,4,6"), e.getMessage());
        TrainConfig longer = new TrainConfig(4, 32, 0.05, 0.9, 5e-4, 0.75, 0, 100, DIM);
        e = assertThrows(CheckpointConflictException.class,
                () -> new Trainer().train(zoo(42), longer, data(), null, zip, RUN, false));
        assertTrue(e.getMessage().contains("train config"), e.getMessage());
    }

    @Test
    void corruptOrIncompleteCheckpointsFailClearly(@TempDir Path dir) throws IOException {
        Path zip = dir.resolve("net.zip");
        train(zip, null, false);
        Path sidecar = Checkpoint.sidecarOf(zip);
        String json = Files.readString(sidecar);

        Files.writeString(sidecar, "{ not json");
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(zip));
        assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
        assertThrows(CheckpointException.class, () -> train(zip, null, false));

        Files.writeString(sidecar, json);
        byte[] bytes = Files.readAllBytes(zip);
        Files.write(zip, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        e = assertThrows(CheckpointException.class, () -> Checkpoint.load(zip));
        assertTrue(e.getMessage().contains("does not match its sidecar"), e.getMessage());

        Files.delete(sidecar);
        e = assertThrows(CheckpointException.class, () -> Checkpoint.load(zip));
        assertTrue(e.getMessage().contains("sidecar") && e.getMessage().contains("missing"), e.getMessage());

        Files.delete(zip);
        Files.writeString(sidecar, json);
        e = assertThrows(CheckpointException.class, () -> Checkpoint.load(zip));
        assertTrue(e.getMessage().contains("model") && e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void rejectsEpochsThatDoNotMatchTheSchedule(@TempDir Path dir) {
        TrainingData wrong = new TrainingData(200, epoch -> TinyNets.batches(TRAIN, 32, epoch));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new Trainer().train(zoo(1), CFG, wrong, null, dir.resolve("x.zip"), RUN, false));
        assertTrue(e.getMessage().contains("schedule assumes 7"), e.getMessage());
    }
}

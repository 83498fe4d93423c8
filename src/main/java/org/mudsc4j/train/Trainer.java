package org.mudsc4j.train;

import me.tongfei.progressbar.ProgressBar;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.mudsc4j.dl4j.ActivationLayouts;
import org.mudsc4j.util.Progress;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Trains one task model with the reference recipe, checkpointing after every epoch and resuming an
 * interrupted run.
 *
 * <p>Determinism: the starting weights are those of the graph passed in (the model zoo's seed); the trainer
 * seeds ND4J's global RNG from {@code cfg.seed()} and the epoch number at the start of every epoch, so anything
 * stochastic inside {@code fit} (e.g. dropout) repeats on resume. With the same data iterators the result is
 * then bit-identical on the same machine and thread count (ND4J's CPU ops split work deterministically by
 * thread count; a different number of threads may change float summation order).
 */
public final class Trainer {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    /**
     * Trains {@code graph}, or resumes the unfinished checkpoint at {@code checkpoint}.
     *
     * <ul>
     *   <li>No checkpoint: imposes {@code cfg} on a copy of {@code graph} and trains from epoch 0.</li>
     *   <li>Unfinished checkpoint of the same run: restores it (parameters, momentum, counters) and continues;
     *       {@code graph} is not used.</li>
     *   <li>Finished checkpoint: refused unless {@code overwrite} (use {@link Checkpoint#loadFinished} to reuse
     *       it).</li>
     *   <li>Checkpoint of a different run (architecture, metadata, recipe, epoch size): refused unless
     *       {@code overwrite}.</li>
     *   <li>{@code overwrite}: trains from scratch; the old files are replaced after the first epoch.</li>
     * </ul>
     *
     * @param graph      initialised network ending in a {@link CosineHeadLoss} loss layer
     * @param cfg        training recipe
     * @param data       training batches per epoch
     * @param evaluator  task accuracy after each epoch, or null to skip evaluation
     * @param checkpoint model zip path ({@code …/name.zip}); the sidecar is {@code …/name.json}
     * @param run        architecture and provenance, stored in and checked against the sidecar
     * @param overwrite  replace an existing checkpoint instead of resuming or refusing
     * @throws CheckpointConflictException if the checkpoint is finished or belongs to another run
     * @throws CheckpointException         if the existing checkpoint cannot be read
     */
    public TrainResult train(ComputationGraph graph, TrainConfig cfg, TrainingData data, EpochEvaluator evaluator,
                             Path checkpoint, RunIdentity run, boolean overwrite) throws IOException {
        Objects.requireNonNull(graph, "graph");
        Objects.requireNonNull(cfg, "cfg");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(checkpoint, "checkpoint");
        Objects.requireNonNull(run, "run");
        Checkpoint.sidecarOf(checkpoint); // validates the name before any work
        int itersPerEpoch = cfg.iterationsPerEpoch(data.examplesPerEpoch());

        ComputationGraph net;
        CheckpointInfo info;
        Checkpoint.Loaded resumed = overwrite ? null : resumable(checkpoint, cfg, data, run);
        if (resumed != null) {
            net = resumed.graph();
            info = resumed.info();
            LOG.info("Resuming {} from epoch {}/{}", checkpoint, info.epochsCompleted(), cfg.epochs());
        } else {
            if (overwrite && Checkpoint.exists(checkpoint)) {
                LOG.warn("Overwriting existing checkpoint {}: training from scratch", checkpoint);
            }
            net = TrainingRecipe.impose(graph, cfg, itersPerEpoch);
            info = CheckpointInfo.start(run, cfg, data.examplesPerEpoch(), itersPerEpoch, net.numParams(),
                    org.mudsc4j.dl4j.Dl4jRuntime.software());
        }
        TrainingRecipe.verify(net, cfg, itersPerEpoch);
        FusedSgdUpdater.install(net); // DL4J's arithmetic without its per-parameter native calls
        if (net.getIterationCount() != info.epochsCompleted() * itersPerEpoch) {
            throw new CheckpointException("Checkpoint " + checkpoint + " has iteration count "
                    + net.getIterationCount() + ", expected " + info.epochsCompleted() + " x " + itersPerEpoch);
        }

        while (info.epochsCompleted() < cfg.epochs()) {
            int epoch = info.epochsCompleted();
            long start = System.nanoTime();
            EpochPass pass = trainEpoch(net, cfg, data, epoch, itersPerEpoch);
            long trained = System.nanoTime();
            Double accuracy = evaluator == null ? null : evaluator.taskAccuracy(net);
            long evaluated = System.nanoTime();
            double trainSec = (trained - start) / 1e9;
            double evalSec = (evaluated - trained) / 1e9;
            EpochMetrics metrics = new EpochMetrics(epoch + 1, pass.meanLoss, accuracy, pass.lastLr, pass.examples,
                    trainSec, evalSec, pass.examples / Math.max(trainSec, 1e-9));
            LOG.info(String.format(Locale.ROOT, "epoch %d/%d: loss %.4f, task accuracy %s (%.1f img/s, lr %.3g)",
                    epoch + 1, cfg.epochs(), pass.meanLoss,
                    accuracy == null ? "n/a" : String.format(Locale.ROOT, "%.2f%%", 100 * accuracy),
                    metrics.imagesPerSecond(), pass.lastLr));
            info = Checkpoint.save(checkpoint, net, info.withEpoch(metrics, trainSec + evalSec));
        }
        LOG.info("Training finished: {} ({} epochs)", checkpoint, cfg.epochs());
        return new TrainResult(net, info);
    }

    /**
     * Like {@link #train} without overwrite, but a finished checkpoint of the same run is loaded and returned instead
     * of refused: what experiments want when they are re-run (finished models are reused, interrupted ones resumed).
     *
     * @throws CheckpointConflictException if the checkpoint belongs to a different run or recipe
     */
    public TrainResult trainOrReuse(ComputationGraph graph, TrainConfig cfg, TrainingData data,
                                    EpochEvaluator evaluator, Path checkpoint, RunIdentity run) throws IOException {
        if (Checkpoint.exists(checkpoint)) {
            CheckpointInfo info = Checkpoint.readInfo(checkpoint);
            if (info.finished()) {
                List<String> diff = info.incompatibilities(run, cfg, data.examplesPerEpoch());
                if (!diff.isEmpty()) {
                    throw new CheckpointConflictException("Checkpoint " + checkpoint + " was made for a different"
                            + " run: " + String.join("; ", diff));
                }
                LOG.info("Reusing finished checkpoint {}", checkpoint);
                Checkpoint.Loaded loaded = Checkpoint.load(checkpoint);
                return new TrainResult(loaded.graph(), loaded.info());
            }
        }
        return train(graph, cfg, data, evaluator, checkpoint, run, false);
    }

    /** The checkpoint to resume, null to start fresh; throws when the checkpoint must not be touched. */
    private static Checkpoint.Loaded resumable(Path checkpoint, TrainConfig cfg, TrainingData data, RunIdentity run)
            throws CheckpointException {
        if (!Checkpoint.exists(checkpoint)) {
            return null;
        }
        CheckpointInfo existing = Checkpoint.readInfo(checkpoint);
        List<String> diff = existing.incompatibilities(run, cfg, data.examplesPerEpoch());
        if (!diff.isEmpty()) {
            throw new CheckpointConflictException("Checkpoint " + checkpoint + " belongs to a different run ("
                    + String.join("; ", diff) + ", checkpoint vs requested); use another path or overwrite");
        }
        if (existing.finished()) {
            throw new CheckpointConflictException("Checkpoint " + checkpoint + " is already finished ("
                    + existing.epochsCompleted() + " epochs); pass overwrite to retrain, or load it with "
                    + "Checkpoint.loadFinished to reuse it");
        }
        return Checkpoint.load(checkpoint);
    }

    private record EpochPass(double meanLoss, long examples, double lastLr) {
    }

    private EpochPass trainEpoch(ComputationGraph net, TrainConfig cfg, TrainingData data, int epoch,
                                 int itersPerEpoch) {
        // Per-epoch seed: a resumed run sees the same random stream as an uninterrupted one.
        Nd4j.getRandom().setSeed(org.mudsc4j.zoo.ModelZoo.dl4jSeed(cfg.seed() * 0x9E3779B97F4A7C15L + epoch));
        DataSetIterator batches = Objects.requireNonNull(data.epochIterator().apply(epoch),
                () -> "no training iterator for epoch " + epoch);
        SgdMomentum updater = cfg.updater(itersPerEpoch);
        String task = String.format(Locale.ROOT, "epoch %d/%d", epoch + 1, cfg.epochs());
        double lossSum = 0;
        long examples = 0;
        int batchCount = 0;
        double lastLr = 0;
        // blocked activations only while fitting: the evaluator and the caller see an ordinary NCHW graph
        try (ProgressBar bar = Progress.start(task, data.examplesPerEpoch(), "img", LOG);
             ActivationLayouts layouts = ActivationLayouts.blocked(net)) {
            while (batches.hasNext()) {
                DataSet batch = batches.next();
                int n = batch.numExamples();
                if (n < 1 || n > cfg.batchSize()) {
                    throw new IllegalStateException("Epoch " + (epoch + 1) + " batch " + (batchCount + 1) + " has "
                            + n + " examples; the recipe's batch size is " + cfg.batchSize());
                }
                lastLr = updater.getLearningRate(net.getIterationCount(), net.getEpochCount());
                // DL4J's score adds the weight-decay term, computed on the parameters before the update.
                double decayTerm = net.calcRegularizationScore(true);
                net.fit(batch);
                double loss = net.score() - decayTerm;
                if (!Double.isFinite(loss)) {
                    throw new IllegalStateException("Training diverged: loss " + loss + " at epoch " + (epoch + 1)
                            + ", batch " + (batchCount + 1));
                }
                lossSum += loss * n;
                examples += n;
                batchCount++;
                bar.stepBy(n);
                bar.setExtraMessage(String.format(Locale.ROOT, " loss %.4f", lossSum / examples));
            }
        }
        if (batchCount != itersPerEpoch) {
            throw new IllegalStateException("Epoch " + (epoch + 1) + " delivered " + batchCount + " batches ("
                    + examples + " examples), but the learning-rate schedule assumes " + itersPerEpoch
                    + " per epoch (" + data.examplesPerEpoch() + " examples / batch " + cfg.batchSize() + ")");
        }
        net.incrementEpochCount();
        return new EpochPass(lossSum / examples, examples, lastLr);
    }
}

package org.mudsc4j.bench;

import java.util.Map;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.mudsc4j.dl4j.ActivationLayouts;
import org.mudsc4j.train.ClassEmbeddings;
import org.mudsc4j.train.CosineHeadLoss;
import org.mudsc4j.train.FusedSgdUpdater;
import org.mudsc4j.train.TrainConfig;
import org.mudsc4j.train.TrainingRecipe;
import org.mudsc4j.zoo.ModelSpec;
import org.mudsc4j.zoo.ModelZoo;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Training and inference throughput of a zoo model on random images, through the project's real training path: the
 * zoo graph with the cosine class-embedding head, the trainer's recipe ({@link TrainingRecipe}: SGD momentum, weight
 * decay on every parameter, triangular schedule) and {@code fit} on one batch at a time, as {@code Trainer} does.
 * Warm-up iterations are not timed.
 */
public final class TrainBench {
    private static final Logger LOG = LoggerFactory.getLogger(TrainBench.class);
    private static final int CLASSES = 5;

    private TrainBench() {
    }

    /**
     * Images per second for one model; {@code stepProfile}: share of a timed training step per layer method
     * ({@link StepProfiler}), or null when not profiled.
     */
    public record Result(String model, long params, int batch, double trainImagesPerSecond,
                         double inferImagesPerSecond, Map<String, Double> stepProfile) {
    }

    public static Result run(ModelSpec spec, int batch, int warmup, int trainIters, int inferIters) {
        return run(spec, batch, warmup, trainIters, inferIters, false);
    }

    public static Result run(ModelSpec spec, int batch, int warmup, int trainIters, int inferIters, boolean profile) {
        ClassEmbeddings emb = ClassEmbeddings.seeded(CLASSES, spec.embedDim(), 0);
        int[] classes = {0, 1, 2, 3, 4};
        TrainConfig cfg = TrainConfig.of(100, batch, 0.1, 0);
        ComputationGraph graph = TrainingRecipe.impose(ModelZoo.build(spec, 0,
                CosineHeadLoss.forTask(emb, classes, cfg.logitScale())), cfg, 1000);
        FusedSgdUpdater.install(graph); // as the trainer does
        Nd4j.getRandom().setSeed(1);
        ModelSpec.InputShape in = spec.input();
        INDArray x = Nd4j.rand(DataType.FLOAT, batch, in.channels(), in.height(), in.width());
        INDArray y = Nd4j.zeros(DataType.FLOAT, batch, CLASSES);
        for (int i = 0; i < batch; i++) {
            y.putScalar(i, i % CLASSES, 1f);
        }
        DataSet data = new DataSet(x, y);
        LOG.info("{}: {} parameters, batch {}", spec.compact(), graph.numParams(), batch);
        StepProfiler profiler;
        double train;
        try (ActivationLayouts layouts = ActivationLayouts.blocked(graph)) { // as the trainer fits
            for (int i = 0; i < warmup; i++) {
                graph.fit(data);
            }
            profiler = profile ? StepProfiler.start(Thread.currentThread()) : null;
            long t0 = System.nanoTime();
            for (int i = 0; i < trainIters; i++) {
                graph.fit(data);
            }
            train = (double) trainIters * batch / ((System.nanoTime() - t0) / 1e9);
            if (profiler != null) {
                profiler.close();
            }
        }
        for (int i = 0; i < warmup; i++) {
            graph.outputSingle(false, x);
        }
        long t1 = System.nanoTime();
        for (int i = 0; i < inferIters; i++) {
            graph.outputSingle(false, x);
        }
        double infer = (double) inferIters * batch / ((System.nanoTime() - t1) / 1e9);
        LOG.info("{}: train {} img/s, inference {} img/s", spec.compact(), String.format("%.1f", train),
                String.format("%.1f", infer));
        return new Result(spec.compact(), graph.numParams(), batch, train, infer,
                profiler == null ? null : profiler.shares());
    }
}

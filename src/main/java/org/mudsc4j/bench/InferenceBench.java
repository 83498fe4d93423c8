package org.mudsc4j.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;
import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.mudsc4j.data.ClassSplit;
import org.mudsc4j.data.ImageBatches;
import org.mudsc4j.data.SplitPair;
import org.mudsc4j.dl4j.FastForward;
import org.mudsc4j.eval.PairEvaluation;
import org.mudsc4j.merge.features.FeatureCollector;
import org.mudsc4j.merge.groups.GroupDeriver;
import org.mudsc4j.merge.groups.UnitGroups;
import org.mudsc4j.merge.repair.BatchNormReestimator;
import org.mudsc4j.train.ClassEmbeddings;
import org.mudsc4j.zoo.ModelSpec;
import org.mudsc4j.zoo.ModelZoo;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Images per second of the three passes every merge runs outside training, on two randomly initialised models and
 * random images: inference (network outputs), evaluation (outputs, cosine head and the four metrics, at
 * {@link ImageBatches#EVALUATION_BATCH_SIZE}), BatchNorm re-estimation of one model, and the feature pass of both
 * models (hooked activations and streaming correlations; an image counts once although both models see it). The
 * same passes on DL4J's stock path ({@code -Dmudsc4j.fastForward=false}) give the figures from before the direct
 * twin, measured in the same run.
 */
public final class InferenceBench {
    private static final Logger LOG = LoggerFactory.getLogger(InferenceBench.class);
    private static final int CLASSES = 10;

    private InferenceBench() {
    }

    /** Images per second of each pass. */
    public record Passes(double inference, double evaluation, double bnReestimation, double featurePass) {
    }

    /**
     * @param multiplyAddsPerImage what one image costs in the convolutions and dense layers ({@link MultiplyAdds})
     * @param fast  the default passes (the fused oneDNN chain where the graph has one, else the direct twin)
     * @param twin  the direct twin's ({@code -Dmudsc4j.fusedForward=false}), null when not measured
     * @param stock the stock-path figures, null when not measured
     */
    public record Result(String model, int images, int batch, long multiplyAddsPerImage, Passes fast, Passes twin,
                         Passes stock) {
    }

    /** Multiply-adds per second of ND4J's float GEMM at 2048 × 2048, the best of {@code repeats}: the CPU's ceiling. */
    public static double floatGemmRate(int repeats) {
        return MultiplyAdds.floatGemmRate(2048, repeats);
    }

    /**
     * @param images images per pass (rounded up to whole batches)
     * @param batch  batch size of inference, BatchNorm re-estimation and the feature pass (the peer's is 128)
     * @param stock   also time the direct twin's and DL4J's stock passes
     * @param repeats times each pass is run; the best (fastest) run counts, as this machine's noise only slows down
     */
    public static Result run(ModelSpec spec, int images, int batch, boolean stock, int repeats) {
        if (repeats < 1) {
            throw new IllegalArgumentException("repeats must be >= 1, got " + repeats);
        }
        ComputationGraph a = ModelZoo.build(spec, 1);
        ComputationGraph b = ModelZoo.build(spec, 2);
        UnitGroups groups = GroupDeriver.derive(a);
        List<DataSet> batches = randomBatches(spec, images, batch);
        List<DataSet> evalBatches = randomBatches(spec, images, ImageBatches.EVALUATION_BATCH_SIZE);
        Passes fast = passes(spec, a, b, groups, batches, evalBatches, repeats);
        Passes twin = null;
        Passes slow = null;
        if (stock) {
            twin = withProperty(FastForward.FUSED_PROPERTY, () -> passes(spec, a, b, groups, batches, evalBatches, repeats));
            slow = withProperty(FastForward.PROPERTY, () -> passes(spec, a, b, groups, batches, evalBatches, repeats));
        }
        return new Result(spec.compact(), count(batches), batch, MultiplyAdds.perImage(a, spec.input()), fast, twin,
                slow);
    }

    /** {@code pass} with the switch {@code property} set to false, restored afterwards. */
    private static Passes withProperty(String property, java.util.function.Supplier<Passes> pass) {
        String before = System.getProperty(property);
        System.setProperty(property, "false");
        try {
            return pass.get();
        } finally {
            if (before == null) {
                System.clearProperty(property);
            } else {
                System.setProperty(property, before);
            }
        }
    }

    private static Passes passes(ModelSpec spec, ComputationGraph a, ComputationGraph b, UnitGroups groups,
                                 List<DataSet> batches, List<DataSet> evalBatches, int repeats) {
        String path = !FastForward.enabled() ? "stock"
                : "false".equalsIgnoreCase(System.getProperty(FastForward.FUSED_PROPERTY)) ? "twin" : "fused";
        ClassEmbeddings embeddings = ClassEmbeddings.seeded(CLASSES, spec.embedDim(), 0);
        SplitPair pair = new SplitPair(new ClassSplit(new int[] {0, 1, 2, 3, 4}, CLASSES),
                new ClassSplit(new int[] {5, 6, 7, 8, 9}, CLASSES));
        int n = count(batches);
        LOG.info("{}: {} passes, {} images", spec.compact(), path, n);
        double inference = best(repeats, () -> imagesPerSecond(n, () -> {
            try (FastForward net = FastForward.of(a)) {
                net.output(batches.get(0).getFeatures()); // warm-up: oneDNN primitives, JIT
                long t = System.nanoTime();
                for (DataSet d : batches) {
                    net.output(d.getFeatures());
                }
                return seconds(t);
            }
        }));
        // Every pass gets one untimed warm-up batch first (oneDNN primitives, JIT), as the PyTorch peer does.
        double evaluation = best(repeats, () -> imagesPerSecond(count(evalBatches), () -> {
            PairEvaluation.evaluate(a, new ExistingDataSetIterator(evalBatches.subList(0, 1)), embeddings, pair);
            long t = System.nanoTime();
            PairEvaluation.evaluate(a, new ExistingDataSetIterator(evalBatches), embeddings, pair);
            return seconds(t);
        }));
        double bn = best(repeats, () -> imagesPerSecond(n, () -> {
            BatchNormReestimator.reestimate(a, new ExistingDataSetIterator(batches.subList(0, 1)));
            long t = System.nanoTime();
            BatchNormReestimator.reestimate(a, new ExistingDataSetIterator(batches));
            return seconds(t);
        }));
        double features = best(repeats, () -> imagesPerSecond(n, () -> {
            FeatureCollector.collect(List.of(a, b), groups, new ExistingDataSetIterator(batches.subList(0, 1)));
            long t = System.nanoTime();
            FeatureCollector.collect(List.of(a, b), groups, new ExistingDataSetIterator(batches));
            return seconds(t);
        }));
        return new Passes(inference, evaluation, bn, features);
    }

    private static double imagesPerSecond(int images, DoubleSupplier seconds) {
        return images / seconds.getAsDouble();
    }

    /** The best of {@code repeats} runs of a timed pass (images/s). */
    private static double best(int repeats, DoubleSupplier imagesPerSecond) {
        double best = 0;
        for (int r = 0; r < repeats; r++) {
            best = Math.max(best, imagesPerSecond.getAsDouble());
        }
        return best;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static int count(List<DataSet> batches) {
        return batches.stream().mapToInt(DataSet::numExamples).sum();
    }

    /** Random images with random global one-hot labels over {@value #CLASSES} classes, in whole batches. */
    private static List<DataSet> randomBatches(ModelSpec spec, int images, int batch) {
        Nd4j.getRandom().setSeed(0);
        ModelSpec.InputShape in = spec.input();
        List<DataSet> out = new ArrayList<>();
        for (int done = 0; done < images; done += batch) {
            INDArray x = Nd4j.randn(DataType.FLOAT, batch, in.channels(), in.height(), in.width());
            INDArray y = Nd4j.zeros(DataType.FLOAT, batch, CLASSES);
            for (int i = 0; i < batch; i++) {
                y.putScalar(i, (done + i) % CLASSES, 1f);
            }
            out.add(new DataSet(x, y));
        }
        return out;
    }
}

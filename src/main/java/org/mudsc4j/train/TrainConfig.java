package org.mudsc4j.train;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * The task-model training recipe (ALGORITHM.md §1.1): SGD with classical momentum, weight decay on all
 * parameters (BatchNorm γ/β and biases included, running statistics excluded), per-iteration triangular
 * learning rate, cosine "CLIP head" loss with logit scale 100 into a 512-d space. Immutable; stored in
 * checkpoint sidecars.
 *
 * @param epochs       E
 * @param batchSize    images per iteration (the last batch of an epoch may be smaller)
 * @param baseLr       peak learning rate of the triangular schedule
 * @param momentum     μ (reference 0.9)
 * @param weightDecay  L2 coefficient added to the gradient before momentum (reference 5e-4)
 * @param warmupEpochs W, epochs of linear warm-up, {@code 0 < W < E} (may be fractional)
 * @param seed         seed of the run (graph initialisation, ND4J RNG per epoch)
 * @param logitScale   s of the cosine head (reference 100)
 * @param embedDim     width of the class-embedding space (reference 512)
 */
public record TrainConfig(int epochs, int batchSize, double baseLr, double momentum, double weightDecay,
                          double warmupEpochs, long seed, double logitScale, int embedDim) {
    public static final double DEFAULT_MOMENTUM = 0.9;
    public static final double DEFAULT_WEIGHT_DECAY = 5e-4;
    /** The reference's warm-up length. */
    public static final double REFERENCE_WARMUP_EPOCHS = 5.0;

    public TrainConfig {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        if (!(baseLr > 0) || Double.isInfinite(baseLr)) {
            throw new IllegalArgumentException("baseLr must be positive and finite, got " + baseLr);
        }
        if (!(momentum >= 0) || momentum >= 1) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weightDecay must be finite and >= 0, got " + weightDecay);
        }
        if (!(warmupEpochs > 0) || !(warmupEpochs < epochs)) {
            throw new IllegalArgumentException("warmupEpochs must satisfy 0 < W < epochs (" + epochs + "), got "
                    + warmupEpochs);
        }
        if (!(logitScale > 0) || Double.isInfinite(logitScale)) {
            throw new IllegalArgumentException("logitScale must be positive and finite, got " + logitScale);
        }
        if (embedDim < 1) {
            throw new IllegalArgumentException("embedDim must be >= 1, got " + embedDim);
        }
    }

    /** The reference recipe for the given length, batch, learning rate and seed; other values at their defaults. */
    public static TrainConfig of(int epochs, int batchSize, double baseLr, long seed) {
        return new TrainConfig(epochs, batchSize, baseLr, DEFAULT_MOMENTUM, DEFAULT_WEIGHT_DECAY,
                defaultWarmupEpochs(epochs), seed, CosineHeadLoss.DEFAULT_SCALE, ClassEmbeddings.DEFAULT_DIM);
    }

    /**
     * The reference's 5 warm-up epochs, capped at a quarter of the run: the reference's runs are 50–250 epochs,
     * where 5 is at most a tenth; a short run (e.g. a 4-epoch smoke test) would otherwise never leave warm-up
     * (or be invalid, W ≥ E).
     */
    public static double defaultWarmupEpochs(int epochs) {
        return Math.min(REFERENCE_WARMUP_EPOCHS, epochs / 4.0);
    }

    /** ⌈examples / batchSize⌉, the iterations per epoch {@code I} of the schedule. */
    public int iterationsPerEpoch(long numExamples) {
        if (numExamples < 1) {
            throw new IllegalArgumentException("A training epoch needs at least one example, got " + numExamples);
        }
        long iters = (numExamples + batchSize - 1) / batchSize;
        if (iters > Integer.MAX_VALUE / epochs) {
            throw new IllegalArgumentException("Too many iterations for DL4J's int iteration counter: " + iters
                    + " per epoch x " + epochs + " epochs");
        }
        return (int) iters;
    }

    /** The learning rate schedule for {@code itersPerEpoch} iterations per epoch. */
    public TriangularSchedule schedule(int itersPerEpoch) {
        return TriangularSchedule.forEpochs(baseLr, warmupEpochs, epochs, itersPerEpoch);
    }

    /** The updater (momentum SGD on the schedule). */
    public SgdMomentum updater(int itersPerEpoch) {
        return new SgdMomentum(schedule(itersPerEpoch), momentum);
    }

    /**
     * Sets updater and L2 (weights and biases) on a graph builder. BatchNorm γ/β are <em>not</em> covered by
     * DL4J's builder (see {@link WeightDecayedBatchNormalization}); {@link #applyTo(ComputationGraph, int)} is
     * the complete form and the trainer always uses it.
     */
    public NeuralNetConfiguration.Builder applyTo(NeuralNetConfiguration.Builder builder, int itersPerEpoch) {
        return builder.updater(updater(itersPerEpoch)).l2(weightDecay).l2Bias(weightDecay);
    }

    /** A copy of {@code graph} (same parameters, fresh updater state) configured with this recipe. */
    public ComputationGraph applyTo(ComputationGraph graph, int itersPerEpoch) {
        return TrainingRecipe.impose(graph, this, itersPerEpoch);
    }
}

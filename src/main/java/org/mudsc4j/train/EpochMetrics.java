package org.mudsc4j.train;

/**
 * What one training epoch did, as recorded in the checkpoint sidecar.
 *
 * @param epoch           1-based epoch number
 * @param trainLoss       mean cross-entropy of the cosine head over the epoch's examples (weight decay excluded)
 * @param taskAccuracy    task accuracy on the evaluation data after the epoch, in [0, 1]; null when not evaluated
 * @param learningRate    learning rate of the epoch's last update
 * @param examples        training examples seen
 * @param trainSeconds    wall time of the training pass
 * @param evalSeconds     wall time of the evaluation
 * @param imagesPerSecond training throughput
 */
public record EpochMetrics(int epoch, double trainLoss, Double taskAccuracy, double learningRate, long examples,
                           double trainSeconds, double evalSeconds, double imagesPerSecond) {
}

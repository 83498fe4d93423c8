package org.mudsc4j.train;

import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

import java.util.Objects;
import java.util.function.IntFunction;

/**
 * The training stream of one task.
 *
 * @param examplesPerEpoch number of training examples in one epoch; with the batch size it fixes the
 *                         iterations per epoch {@code I} of the learning-rate schedule (the trainer checks
 *                         every epoch delivers exactly ⌈examples / batch⌉ batches)
 * @param epochIterator    epoch (0-based) → a fresh iterator over that epoch's batches: features
 *                         {@code [B, C, H, W]} (or whatever the graph takes) and task-local one-hot labels
 *                         {@code [B, K]}. For reproducible and resumable runs, it must depend only on the epoch
 *                         number (e.g. shuffle and augment with a seed derived from it).
 */
public record TrainingData(long examplesPerEpoch, IntFunction<DataSetIterator> epochIterator) {
    public TrainingData {
        if (examplesPerEpoch < 1) {
            throw new IllegalArgumentException("examplesPerEpoch must be >= 1, got " + examplesPerEpoch);
        }
        Objects.requireNonNull(epochIterator, "epochIterator");
    }
}

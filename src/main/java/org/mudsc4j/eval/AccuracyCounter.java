package org.mudsc4j.eval;

/** Correct / total counts accumulated over batches. Not thread-safe. */
public final class AccuracyCounter {
    private long correct;
    private long total;

    /** Counts {@code predicted[i] == truth[i]} for every i. */
    public void add(int[] predicted, int[] truth) {
        if (predicted.length != truth.length) {
            throw new IllegalArgumentException("Predictions (" + predicted.length + ") and labels (" + truth.length
                    + ") differ in length");
        }
        for (int i = 0; i < predicted.length; i++) {
            add(predicted[i] == truth[i]);
        }
    }

    /** Counts one example. */
    public void add(boolean isCorrect) {
        total++;
        if (isCorrect) {
            correct++;
        }
    }

    /** Adds another counter's counts (e.g. from a parallel shard). */
    public void addAll(AccuracyCounter other) {
        correct += other.correct;
        total += other.total;
    }

    public long correct() {
        return correct;
    }

    public long total() {
        return total;
    }

    /** correct / total in [0, 1]. */
    public double accuracy() {
        if (total == 0) {
            throw new IllegalStateException("No examples counted: accuracy is undefined");
        }
        return (double) correct / total;
    }

    @Override
    public String toString() {
        return correct + "/" + total;
    }
}

package org.mudsc4j.train;

import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * The reference's per-iteration learning rate (ALGORITHM.md §1.1): {@code base ·} the piecewise-linear
 * interpolation through {@code (0, 0)}, {@code (W·I, 1)}, {@code (E·I, 0)}, where {@code I} is the number of
 * iterations per epoch, {@code W} the warm-up epochs and {@code E} the epochs; 0 beyond {@code E·I}. Like
 * PyTorch's {@code LambdaLR} stepped after every optimiser step, iteration {@code k} (0-based, the number of
 * updates done before) uses the value at {@code k}, so the very first update has learning rate 0.
 * Always {@link ScheduleType#ITERATION}: the epoch argument is ignored.
 */
public final class TriangularSchedule implements ISchedule {
    private static final long serialVersionUID = 1L;

    @JsonProperty("baseValue")
    private final double baseValue;
    @JsonProperty("peakIteration")
    private final double peakIteration;
    @JsonProperty("endIteration")
    private final double endIteration;

    /**
     * @param baseValue     peak learning rate
     * @param peakIteration {@code W·I}, where the warm-up ends (may be fractional)
     * @param endIteration  {@code E·I}, where the rate reaches 0
     */
    public TriangularSchedule(@JsonProperty("baseValue") double baseValue,
                              @JsonProperty("peakIteration") double peakIteration,
                              @JsonProperty("endIteration") double endIteration) {
        if (!(baseValue >= 0) || Double.isInfinite(baseValue)) {
            throw new IllegalArgumentException("Base learning rate must be finite and >= 0, got " + baseValue);
        }
        if (!(peakIteration > 0) || !(peakIteration < endIteration) || Double.isInfinite(endIteration)) {
            throw new IllegalArgumentException("Triangular schedule needs 0 < warm-up end (" + peakIteration
                    + ") < run end (" + endIteration + "): the warm-up must be shorter than the run");
        }
        this.baseValue = baseValue;
        this.peakIteration = peakIteration;
        this.endIteration = endIteration;
    }

    /** The schedule for {@code epochs} epochs of {@code itersPerEpoch} iterations with {@code warmupEpochs}. */
    public static TriangularSchedule forEpochs(double baseValue, double warmupEpochs, int epochs, int itersPerEpoch) {
        if (itersPerEpoch <= 0) {
            throw new IllegalArgumentException("Iterations per epoch must be positive, got " + itersPerEpoch);
        }
        if (!(warmupEpochs > 0) || !(warmupEpochs < epochs)) {
            throw new IllegalArgumentException("Warm-up epochs must satisfy 0 < W < E, got W=" + warmupEpochs
                    + ", E=" + epochs);
        }
        return new TriangularSchedule(baseValue, warmupEpochs * itersPerEpoch, (double) epochs * itersPerEpoch);
    }

    public double baseValue() {
        return baseValue;
    }

    public double peakIteration() {
        return peakIteration;
    }

    public double endIteration() {
        return endIteration;
    }

    public ScheduleType getScheduleType() {
        return ScheduleType.ITERATION;
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        double it = iteration;
        double multiplier;
        if (it <= 0) {
            multiplier = 0;
        } else if (it <= peakIteration) {
            multiplier = it / peakIteration;
        } else if (it < endIteration) {
            multiplier = (endIteration - it) / (endIteration - peakIteration);
        } else {
            multiplier = 0; // np.interp clamps to the last value
        }
        return baseValue * multiplier;
    }

    @Override
    public ISchedule clone() {
        return new TriangularSchedule(baseValue, peakIteration, endIteration);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TriangularSchedule t && Double.compare(baseValue, t.baseValue) == 0
                && Double.compare(peakIteration, t.peakIteration) == 0
                && Double.compare(endIteration, t.endIteration) == 0;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(baseValue) * 961 + Double.hashCode(peakIteration) * 31 + Double.hashCode(endIteration);
    }

    @Override
    public String toString() {
        return "TriangularSchedule(base=" + baseValue + ", peak@" + peakIteration + ", end@" + endIteration + ")";
    }
}

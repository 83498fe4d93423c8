package org.mudsc4j.train;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;

import java.util.Map;
import java.util.Objects;

/**
 * PyTorch's {@code torch.optim.SGD} with classical momentum (dampening 0, no Nesterov):
 * {@code v ← μ·v + g;  p ← p − lr·v}. DL4J's {@code Nesterovs} differs (Nesterov look-ahead, and it keeps
 * {@code lr} inside {@code v}, which is not the same once the learning rate changes every iteration).
 *
 * <p>Weight decay is not part of the updater: configure DL4J's {@code L2Regularization}, which DL4J adds to the
 * (minibatch-averaged) gradient <em>before</em> the updater runs, exactly where PyTorch adds
 * {@code weight_decay·p}. The state is {@code v}, one value per parameter, stored in DL4J's updater state view so
 * {@code ModelSerializer} saves and restores it.
 */
public final class SgdMomentum implements IUpdater {
    public static final double DEFAULT_MOMENTUM = 0.9;
    private static final long serialVersionUID = 1L;

    @JsonProperty("learningRate")
    private double learningRate;
    @JsonProperty("learningRateSchedule")
    private ISchedule learningRateSchedule;
    @JsonProperty("momentum")
    private double momentum;

    /** For JSON deserialisation only. */
    public SgdMomentum() {
        this(0.0, null, DEFAULT_MOMENTUM);
    }

    /** Constant learning rate. */
    public SgdMomentum(double learningRate, double momentum) {
        this(learningRate, null, momentum);
    }

    /** Scheduled learning rate (the schedule takes precedence over any constant). */
    public SgdMomentum(ISchedule learningRateSchedule, double momentum) {
        this(0.0, Objects.requireNonNull(learningRateSchedule, "learningRateSchedule"), momentum);
    }

    private SgdMomentum(double learningRate, ISchedule learningRateSchedule, double momentum) {
        if (!(momentum >= 0) || momentum >= 1) {
            throw new IllegalArgumentException("Momentum must be in [0, 1), got " + momentum);
        }
        if (!(learningRate >= 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("Learning rate must be finite and >= 0, got " + learningRate);
        }
        this.learningRate = learningRate;
        this.learningRateSchedule = learningRateSchedule;
        this.momentum = momentum;
    }

    public double momentum() {
        return momentum;
    }

    /** The schedule, or null when the learning rate is constant. */
    public ISchedule learningRateSchedule() {
        return learningRateSchedule;
    }

    @Override
    public long stateSize(long numParams) {
        return numParams; // v: one momentum buffer entry per parameter
    }

    @Override
    public GradientUpdater instantiate(INDArray viewArray, boolean initializeViewArray) {
        SgdMomentumUpdater updater = new SgdMomentumUpdater(this);
        updater.setStateViewArray(viewArray, viewArray.shape(), viewArray.ordering(), initializeViewArray);
        return updater;
    }

    @Override
    public GradientUpdater instantiate(Map<String, INDArray> updaterState, boolean initializeStateArrays) {
        SgdMomentumUpdater updater = new SgdMomentumUpdater(this);
        updater.setState(updaterState, initializeStateArrays);
        return updater;
    }

    @Override
    public SgdMomentum clone() {
        return new SgdMomentum(learningRate, learningRateSchedule == null ? null : learningRateSchedule.clone(),
                momentum);
    }

    @Override
    public double getLearningRate(int iteration, int epoch) {
        if (learningRateSchedule != null) {
            return learningRateSchedule.valueAt(iteration, epoch);
        }
        return learningRate;
    }

    @Override
    public boolean hasLearningRate() {
        return true;
    }

    @Override
    public void setLrAndSchedule(double lr, ISchedule lrSchedule) {
        this.learningRate = lr;
        this.learningRateSchedule = lrSchedule;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SgdMomentum s && Double.compare(learningRate, s.learningRate) == 0
                && Double.compare(momentum, s.momentum) == 0
                && Objects.equals(learningRateSchedule, s.learningRateSchedule);
    }

    @Override
    public int hashCode() {
        return Objects.hash(learningRate, learningRateSchedule, momentum);
    }

    @Override
    public String toString() {
        return "SgdMomentum(lr=" + (learningRateSchedule != null ? learningRateSchedule : learningRate)
                + ", momentum=" + momentum + ")";
    }
}

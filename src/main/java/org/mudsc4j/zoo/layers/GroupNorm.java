package org.mudsc4j.zoo.layers;

import org.mudsc4j.dl4j.LayerWiring;

import java.util.Collection;
import java.util.List;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.shade.jackson.annotation.JsonSetter;

/**
 * Group normalisation over NCHW activations, as PyTorch's {@code nn.GroupNorm(groups, channels, eps, affine=True)}:
 * channels are split into {@code groups} contiguous blocks; each block is normalised per sample over its channels
 * and all spatial positions with the biased variance; then a per-channel affine {@code gamma·x̂ + beta}.
 *
 * <p>Parameters: {@value #GAMMA} (a weight for regularisation) and {@value #BETA} (a bias), both of shape
 * {@code [1, C]} (PyTorch {@code weight} and {@code bias}). No activation: the zoo puts ReLUs into separate vertices.
 * The computation is in {@link GroupNormLayer}; this class is the serialisable configuration.
 */
public class GroupNorm extends BaseLayer {
    public static final String GAMMA = GroupNormParams.GAMMA;
    public static final String BETA = GroupNormParams.BETA;

    private int channels;
    private int groups;
    private double eps;

    /** For JSON deserialisation only. */
    protected GroupNorm() {
    }

    public GroupNorm(String name, int channels, int groups, double eps) {
        if (channels <= 0 || groups <= 0 || channels % groups != 0) {
            throw new IllegalArgumentException("GroupNorm '" + name + "': channels (" + channels
                    + ") must be a positive multiple of groups (" + groups + ")");
        }
        if (!(eps > 0)) {
            throw new IllegalArgumentException("GroupNorm '" + name + "': eps must be > 0, got " + eps);
        }
        this.layerName = name;
        this.channels = channels;
        this.groups = groups;
        this.eps = eps;
    }

    public int getChannels() {
        return channels;
    }

    public int getGroups() {
        return groups;
    }

    public double getEps() {
        return eps;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GroupNorm g && super.equals(o) && channels == g.channels && groups == g.groups
                && Double.compare(eps, g.eps) == 0;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(super.hashCode(), channels, groups, eps);
    }

    /**
     * Checkpoints written before this layer had its own implementation (it was a SameDiff layer) name the updater
     * {@code updater}; DL4J's base layer calls it {@code iUpdater}.
     */
    @JsonSetter("updater")
    void setLegacyUpdater(IUpdater updater) {
        this.iUpdater = updater;
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
                                                       Collection<TrainingListener> listeners, int layerIndex,
                                                       INDArray paramsView, boolean initializeParams,
                                                       DataType networkDataType) {
        return LayerWiring.wire(new GroupNormLayer(conf, networkDataType),
                conf, listeners, layerIndex, paramsView, initializeParams);
    }

    @Override
    public ParamInitializer initializer() {
        return GroupNormParams.INSTANCE;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        checkChannels(inputType);
        return inputType;
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        checkChannels(inputType);
    }

    private void checkChannels(InputType inputType) {
        long c = ShapeChecks.cnnChannels(this, inputType);
        if (c != channels) {
            throw new IllegalStateException("GroupNorm '" + layerName + "': configured for " + channels
                    + " channels but its input has " + c);
        }
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        return null;
    }

    @Override
    public List<Regularization> getRegularizationByParam(String paramName) {
        return GAMMA.equals(paramName) ? regularization : regularizationBias;
    }

    @Override
    public IUpdater getUpdaterByParam(String paramName) {
        return BETA.equals(paramName) && biasUpdater != null ? biasUpdater : iUpdater;
    }

    @Override
    public boolean isPretrainParam(String paramName) {
        return false;
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        long perExample = inputType.arrayElementsPerExample();
        long updaterState = 0;
        for (String p : List.of(GAMMA, BETA)) {
            updaterState += getUpdaterByParam(p) == null ? 0 : getUpdaterByParam(p).stateSize(channels);
        }
        return new LayerMemoryReport.Builder(layerName, GroupNorm.class, inputType, inputType)
                .standardMemory(2L * channels, updaterState)
                // inference: the output; training also keeps x̂ for backprop and two working arrays in backprop
                .workingMemory(0, perExample, 0, 3 * perExample)
                .cacheMemory(MemoryReport.CACHE_MODE_ALL_ZEROS, MemoryReport.CACHE_MODE_ALL_ZEROS)
                .build();
    }
}

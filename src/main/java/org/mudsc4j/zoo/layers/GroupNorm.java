package org.mudsc4j.zoo.layers;

import java.util.Map;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.mudsc4j.dl4j.FixedGradSameDiffLayer;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Group normalisation over NCHW activations, as PyTorch's {@code nn.GroupNorm(groups, channels, eps, affine=True)}:
 * channels are split into {@code groups} contiguous blocks; each block is normalised per sample over its channels
 * and all spatial positions with the biased variance; then a per-channel affine {@code gamma·x̂ + beta}.
 *
 * <p>Parameters: {@value #GAMMA} and {@value #BETA}, both of shape {@code [1, C]} (PyTorch {@code weight} and
 * {@code bias}). No activation: the zoo puts ReLUs into separate vertices.
 */
public class GroupNorm extends FixedGradSameDiffLayer {
    public static final String GAMMA = "gamma";
    public static final String BETA = "beta";

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
    public SDVariable defineLayer(SameDiff sd, SDVariable input, Map<String, SDVariable> params, SDVariable mask) {
        SDVariable grouped = reshapeKeepBatch(sd, input, groups, -1);
        SDVariable mean = grouped.mean(true, 2);
        SDVariable centred = grouped.sub(mean);
        SDVariable var = sd.math().square(centred).mean(true, 2);
        SDVariable normed = centred.div(sd.math().sqrt(var.add(eps)));
        SDVariable back = sd.reshape(normed, input.shape());
        SDVariable gamma = sd.reshape(params.get(GAMMA), 1, channels, 1, 1);
        SDVariable beta = sd.reshape(params.get(BETA), 1, channels, 1, 1);
        // ends with a broadcast parameter add, which DL4J's SameDiff backprop requires
        return back.mul(gamma).add(beta);
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        params.addWeightParam(GAMMA, 1, channels);
        params.addBiasParam(BETA, 1, channels);
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        params.get(GAMMA).assign(1.0);
        params.get(BETA).assign(0.0);
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        long c = ShapeChecks.cnnChannels(this, inputType);
        if (c != channels) {
            throw new IllegalStateException("GroupNorm '" + layerName + "': configured for " + channels
                    + " channels but its input has " + c);
        }
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        ShapeChecks.cnnChannels(this, inputType);
        return inputType;
    }
}

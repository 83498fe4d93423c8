package org.mudsc4j.zoo.layers;

import java.util.Map;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.mudsc4j.dl4j.FixedGradSameDiffLayer;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * LayerNorm over the feature axis of NCW token tensors {@code [batch, D, tokens]}, as PyTorch's
 * {@code nn.LayerNorm(D, eps)} applied to {@code [batch, tokens, D]}: biased variance, eps inside the square root,
 * per-feature affine. Parameters {@value #GAMMA}, {@value #BETA} of shape {@code [1, D]}.
 */
public class TokenLayerNorm extends FixedGradSameDiffLayer {
    public static final String GAMMA = "gamma";
    public static final String BETA = "beta";

    private int features;
    private double eps;

    /** For JSON deserialisation only. */
    protected TokenLayerNorm() {
    }

    public TokenLayerNorm(String name, int features, double eps) {
        if (features <= 0 || !(eps > 0)) {
            throw new IllegalArgumentException("LayerNorm '" + name + "': need features > 0 and eps > 0, got "
                    + features + ", " + eps);
        }
        this.layerName = name;
        this.features = features;
        this.eps = eps;
    }

    public int getFeatures() {
        return features;
    }

    public double getEps() {
        return eps;
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable input, Map<String, SDVariable> params, SDVariable mask) {
        SDVariable mean = input.mean(true, 1);
        SDVariable centred = input.sub(mean);
        SDVariable var = sd.math().square(centred).mean(true, 1);
        SDVariable normed = centred.div(sd.math().sqrt(var.add(eps)));
        SDVariable gamma = sd.reshape(params.get(GAMMA), 1, features, 1);
        SDVariable beta = sd.reshape(params.get(BETA), 1, features, 1);
        return normed.mul(gamma).add(beta);
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        params.addWeightParam(GAMMA, 1, features);
        params.addBiasParam(BETA, 1, features);
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        params.get(GAMMA).assign(1.0);
        params.get(BETA).assign(0.0);
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        ShapeChecks.expectFeatures(this, ShapeChecks.tokens(this, inputType), features);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        ShapeChecks.expectFeatures(this, ShapeChecks.tokens(this, inputType), features);
        return inputType;
    }
}

package org.mudsc4j.zoo.layers;

import java.util.Map;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.mudsc4j.dl4j.FixedGradSameDiffLayer;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Selects the class token (token 0) of NCW tokens {@code [batch, D, T]}, giving {@code [batch, D]}. */
public class ClassTokenSelect extends FixedGradSameDiffLayer {
    private int dim;

    /** For JSON deserialisation only. */
    protected ClassTokenSelect() {
    }

    public ClassTokenSelect(String name, int dim) {
        if (dim <= 0) {
            throw new IllegalArgumentException("ClassTokenSelect '" + name + "': dim must be > 0, got " + dim);
        }
        this.layerName = name;
        this.dim = dim;
    }

    public int getDim() {
        return dim;
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable input, Map<String, SDVariable> params, SDVariable mask) {
        return input.get(SDIndex.all(), SDIndex.all(), SDIndex.point(0));
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        // parameter-free
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        // parameter-free
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        ShapeChecks.expectFeatures(this, ShapeChecks.tokens(this, inputType), dim);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        ShapeChecks.expectFeatures(this, ShapeChecks.tokens(this, inputType), dim);
        return InputType.feedForward(dim);
    }
}

package org.mudsc4j.dl4j;

import java.util.Arrays;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.samediff.SameDiffLayer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's SameDiff runtime layer with the 2x gradient bug and the non-copying {@code setParam} repaired; see
 * {@link FixedGradSameDiffLayer} for why.
 */
public class FixedGradSameDiffRuntimeLayer extends SameDiffLayer {

    public FixedGradSameDiffRuntimeLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        // DL4J feeds the epsilon into the SameDiff graph twice; halving it makes all gradients exact.
        // mul (not muli): the caller may still own the epsilon array.
        return super.backpropGradient(epsilon.mul(0.5), workspaceMgr);
    }

    @Override
    public void setParam(String key, INDArray val) {
        INDArray target = paramTable == null ? null : paramTable.get(key);
        if (target == null) {
            throw new IllegalArgumentException("Layer '" + layerConf().getLayerName() + "' has no parameter '"
                    + key + "'; known: " + (paramTable == null ? "[]" : paramTable.keySet()));
        }
        if (!Arrays.equals(target.shape(), val.shape())) {
            throw new IllegalArgumentException("Layer '" + layerConf().getLayerName() + "', parameter '" + key
                    + "': expected shape " + Arrays.toString(target.shape()) + " but got "
                    + Arrays.toString(val.shape()));
        }
        // DL4J's version only validates; the params are views into the network's flat vector, so copy in place.
        target.assign(val);
    }
}

package org.mudsc4j.zoo.layers;

import java.util.Map;

import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.mudsc4j.dl4j.FixedGradSameDiffLayer;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The parameter-free core of multi-head self-attention: input is the fused qkv projection of NCW tokens
 * {@code [batch, 3D, T]} with feature rows laid out {@code [q | k | v]} and, inside each part, head {@code h}
 * dimension {@code d} at row {@code h·hd + d} (timm's layout); output {@code [batch, D, T]} is the concatenation
 * of the heads' {@code softmax(qᵀk / √hd) v}, in the same head-major layout (= the input of timm's
 * {@code attn.proj}).
 */
public class AttentionCore extends FixedGradSameDiffLayer {
    private int dim;
    private int heads;

    /** For JSON deserialisation only. */
    protected AttentionCore() {
    }

    public AttentionCore(String name, int dim, int heads) {
        if (dim <= 0 || heads <= 0 || dim % heads != 0) {
            throw new IllegalArgumentException("AttentionCore '" + name + "': dim (" + dim
                    + ") must be a positive multiple of heads (" + heads + ")");
        }
        this.layerName = name;
        this.dim = dim;
        this.heads = heads;
    }

    public int getDim() {
        return dim;
    }

    public int getHeads() {
        return heads;
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable input, Map<String, SDVariable> params, SDVariable mask) {
        long hd = dim / heads;
        SDVariable q = headSplit(sd, input, 0, hd);
        SDVariable k = headSplit(sd, input, 1, hd);
        SDVariable v = headSplit(sd, input, 2, hd);
        // scores[b, h, i, j] = q_i · k_j / sqrt(hd): [B,H,T,hd] x [B,H,hd,T]
        SDVariable scores = sd.mmul(q, k, true, false, false).mul(1.0 / Math.sqrt(hd));
        SDVariable attn = sd.nn().softmax(scores, 3);
        // out[b, h, d, i] = sum_j v[b, h, d, j] attn[b, h, i, j]
        SDVariable out = sd.mmul(v, attn, false, true, false);
        return reshapeKeepBatch(sd, out, dim, -1);
    }

    /** Part {@code part} (0 = q, 1 = k, 2 = v) of the fused input as {@code [B, heads, hd, T]}. */
    private SDVariable headSplit(SameDiff sd, SDVariable input, int part, long hd) {
        SDVariable slice = input.get(SDIndex.all(), SDIndex.interval((long) part * dim, (long) (part + 1) * dim),
                SDIndex.all());
        return reshapeKeepBatch(sd, slice, heads, hd, -1);
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
        ShapeChecks.expectFeatures(this, ShapeChecks.tokens(this, inputType), 3L * dim);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        InputType.InputTypeRecurrent rnn = ShapeChecks.tokens(this, inputType);
        ShapeChecks.expectFeatures(this, rnn, 3L * dim);
        return InputType.recurrent(dim, rnn.getTimeSeriesLength(), RNNFormat.NCW);
    }
}

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
import org.nd4j.linalg.factory.Nd4j;

/**
 * Prepends the learned class token to the patch tokens and adds the learned absolute position embedding, as timm's
 * {@code VisionTransformer._pos_embed} (class token first, {@code no_embed_class=False}).
 *
 * <p>Input {@code [batch, D, P]} (NCW patch tokens), output {@code [batch, D, P+1]} with token 0 the class token.
 * Parameters (DL4J param names may not contain {@code _}):
 * <ul>
 *   <li>{@value #CLS} {@code [1, D, 1]} = timm {@code cls_token} {@code [1, 1, D]} transposed (axes 1↔2);</li>
 *   <li>{@value #POS} {@code [1, D, P+1]} = timm {@code pos_embed} {@code [1, P+1, D]} transposed (axes 1↔2).</li>
 * </ul>
 * Init as timm: {@code pos ~ N(0, 0.02²)}, {@code cls ~ N(0, 1e-6²)} (timm truncates pos at ±2σ; immaterial).
 */
public class ClassTokenEmbedding extends FixedGradSameDiffLayer {
    public static final String CLS = "cls";
    public static final String POS = "pos";

    private int dim;
    private int patches;

    /** For JSON deserialisation only. */
    protected ClassTokenEmbedding() {
    }

    public ClassTokenEmbedding(String name, int dim, int patches) {
        if (dim <= 0 || patches <= 0) {
            throw new IllegalArgumentException("ClassTokenEmbedding '" + name + "': need dim > 0 and patches > 0, got "
                    + dim + ", " + patches);
        }
        this.layerName = name;
        this.dim = dim;
        this.patches = patches;
    }

    public int getDim() {
        return dim;
    }

    public int getPatches() {
        return patches;
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable input, Map<String, SDVariable> params, SDVariable mask) {
        // broadcast the class token to the batch: zeros shaped like one input token, plus cls
        SDVariable firstToken = input.get(SDIndex.all(), SDIndex.all(), SDIndex.interval(0, 1));
        SDVariable cls = sd.zerosLike(firstToken).add(params.get(CLS));
        SDVariable tokens = sd.concat(2, cls, input);
        return tokens.add(params.get(POS));
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        params.addWeightParam(CLS, 1, dim, 1);
        params.addWeightParam(POS, 1, dim, patches + 1L);
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        INDArray cls = params.get(CLS);
        cls.assign(Nd4j.randn(cls.dataType(), cls.shape()).muli(1e-6));
        INDArray pos = params.get(POS);
        pos.assign(Nd4j.randn(pos.dataType(), pos.shape()).muli(0.02));
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        check(inputType);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        check(inputType);
        return InputType.recurrent(dim, patches + 1L, RNNFormat.NCW);
    }

    private void check(InputType inputType) {
        InputType.InputTypeRecurrent rnn = ShapeChecks.tokens(this, inputType);
        ShapeChecks.expectFeatures(this, rnn, dim);
        ShapeChecks.expectTokens(this, rnn, patches);
    }
}

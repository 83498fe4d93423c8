package org.mudsc4j.zoo.layers;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Erf;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Exact GELU, {@code x·Φ(x) = x/2·(1 + erf(x/√2))}, PyTorch's default {@code nn.GELU()}. DL4J's
 * {@code ActivationGELU} implements only approximations (sigmoid-based, or tanh-based when "precise").
 */
public class ExactGelu extends BaseActivationFunction {
    private static final double INV_SQRT2 = 1.0 / Math.sqrt(2.0);
    private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);

    @Override
    public INDArray getActivation(INDArray in, boolean training) {
        INDArray cdf = cdf(in);
        return in.muli(cdf);
    }

    @Override
    public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
        assertShape(in, epsilon);
        // d/dx [x Φ(x)] = Φ(x) + x φ(x)
        INDArray pdf = Transforms.exp(in.mul(in).muli(-0.5), false).muli(INV_SQRT_2PI);
        INDArray grad = cdf(in).addi(pdf.muli(in));
        in.assign(grad.muli(epsilon));
        return new Pair<>(in, null);
    }

    /** Φ(x) = (1 + erf(x/√2)) / 2, in a new array. */
    private static INDArray cdf(INDArray in) {
        INDArray scaled = in.mul(INV_SQRT2);
        Nd4j.getExecutioner().exec(new Erf(scaled, scaled));
        return scaled.addi(1.0).muli(0.5);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExactGelu;
    }

    @Override
    public int hashCode() {
        return ExactGelu.class.hashCode();
    }

    @Override
    public String toString() {
        return "gelu-exact";
    }
}

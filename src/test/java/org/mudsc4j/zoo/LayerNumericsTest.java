package org.mudsc4j.zoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mudsc4j.dl4j.Dl4jRuntime;
import org.mudsc4j.zoo.layers.AttentionCore;
import org.mudsc4j.zoo.layers.ExactGelu;
import org.mudsc4j.zoo.layers.GroupNorm;
import org.mudsc4j.zoo.layers.TokenLayerNorm;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

/** Forward numerics of the custom layers against direct double-precision loops. */
class LayerNumericsTest {

    @BeforeAll
    static void init() {
        Dl4jRuntime.init();
    }

    private static ComputationGraph single(org.deeplearning4j.nn.conf.layers.Layer layer, InputType type) {
        ComputationGraph net = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(1)
                .dataType(DataType.DOUBLE).graphBuilder().addInputs("in").addLayer("x", layer, "in")
                .addLayer("loss", new LossLayer.Builder(new LossMSE()).activation(Activation.IDENTITY).build(), "x")
                .setOutputs("loss").setInputTypes(type).build());
        net.init();
        return net;
    }

    /** The custom layer's own output (the loss layer's preprocessor would flatten it). */
    private static INDArray out(ComputationGraph net, INDArray x) {
        return net.feedForward(x, false).get("x");
    }

    private static INDArray randn(long seed, long... shape) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(DataType.DOUBLE, shape);
    }

    @Test
    void groupNormMatchesDirectComputation() {
        int b = 2, c = 6, g = 3, h = 3, w = 2;
        double eps = 1e-5;
        ComputationGraph net = single(new GroupNorm("x", c, g, eps), InputType.convolutional(h, w, c));
        INDArray gamma = randn(1, 1, c);
        INDArray beta = randn(2, 1, c);
        net.getLayer("x").setParam("gamma", gamma);
        net.getLayer("x").setParam("beta", beta);
        assertEquals(gamma, net.getLayer("x").getParam("gamma"), "setParam must copy");
        INDArray x = randn(3, b, c, h, w).muli(3).addi(1);
        INDArray y = out(net, x);
        int per = c / g;
        for (int n = 0; n < b; n++) {
            for (int grp = 0; grp < g; grp++) {
                double sum = 0, sq = 0;
                int count = per * h * w;
                for (int ch = grp * per; ch < (grp + 1) * per; ch++) {
                    for (int i = 0; i < h; i++) {
                        for (int j = 0; j < w; j++) {
                            sum += x.getDouble(n, ch, i, j);
                        }
                    }
                }
                double mean = sum / count;
                for (int ch = grp * per; ch < (grp + 1) * per; ch++) {
                    for (int i = 0; i < h; i++) {
                        for (int j = 0; j < w; j++) {
                            double d = x.getDouble(n, ch, i, j) - mean;
                            sq += d * d;
                        }
                    }
                }
                double std = Math.sqrt(sq / count + eps);
                for (int ch = grp * per; ch < (grp + 1) * per; ch++) {
                    for (int i = 0; i < h; i++) {
                        for (int j = 0; j < w; j++) {
                            double expected = (x.getDouble(n, ch, i, j) - mean) / std * gamma.getDouble(0, ch)
                                    + beta.getDouble(0, ch);
                            assertEquals(expected, y.getDouble(n, ch, i, j), 1e-10);
                        }
                    }
                }
            }
        }
    }

    @Test
    void layerNormMatchesDirectComputation() {
        int b = 2, d = 5, t = 3;
        double eps = 1e-6;
        ComputationGraph net = single(new TokenLayerNorm("x", d, eps), InputType.recurrent(d, t, RNNFormat.NCW));
        INDArray gamma = randn(4, 1, d);
        INDArray beta = randn(5, 1, d);
        net.getLayer("x").setParam("gamma", gamma);
        net.getLayer("x").setParam("beta", beta);
        INDArray x = randn(6, b, d, t).muli(2).subi(1);
        INDArray y = out(net, x);
        for (int n = 0; n < b; n++) {
            for (int tok = 0; tok < t; tok++) {
                double mean = 0, var = 0;
                for (int f = 0; f < d; f++) {
                    mean += x.getDouble(n, f, tok) / d;
                }
                for (int f = 0; f < d; f++) {
                    var += Math.pow(x.getDouble(n, f, tok) - mean, 2) / d;
                }
                for (int f = 0; f < d; f++) {
                    double expected = (x.getDouble(n, f, tok) - mean) / Math.sqrt(var + eps) * gamma.getDouble(0, f)
                            + beta.getDouble(0, f);
                    assertEquals(expected, y.getDouble(n, f, tok), 1e-10);
                }
            }
        }
    }

    @Test
    void attentionCoreMatchesDirectComputation() {
        int b = 2, d = 4, heads = 2, t = 3, hd = d / heads;
        ComputationGraph net = single(new AttentionCore("x", d, heads), InputType.recurrent(3 * d, t, RNNFormat.NCW));
        INDArray x = randn(7, b, 3 * d, t);
        INDArray y = out(net, x);
        assertArrayEquals(new long[] {b, d, t}, y.shape());
        for (int n = 0; n < b; n++) {
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < t; i++) {
                    double[] s = new double[t];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < t; j++) {
                        for (int e = 0; e < hd; e++) {
                            s[j] += x.getDouble(n, h * hd + e, i) * x.getDouble(n, d + h * hd + e, j);
                        }
                        s[j] /= Math.sqrt(hd);
                        max = Math.max(max, s[j]);
                    }
                    double z = 0;
                    for (int j = 0; j < t; j++) {
                        s[j] = Math.exp(s[j] - max);
                        z += s[j];
                    }
                    for (int e = 0; e < hd; e++) {
                        double expected = 0;
                        for (int j = 0; j < t; j++) {
                            expected += s[j] / z * x.getDouble(n, 2 * d + h * hd + e, j);
                        }
                        assertEquals(expected, y.getDouble(n, h * hd + e, i), 1e-10);
                    }
                }
            }
        }
    }

    @Test
    void exactGeluMatchesErfValues() {
        // x·Φ(x) computed to full precision
        double[] xs = {-2.0, -1.0, 0.0, 0.5, 1.0, 2.0};
        double[] expected = {-0.04550026389635842, -0.15865525393145707, 0.0, 0.34573123063700656,
                0.8413447460685429, 1.9544997361036416};
        INDArray y = new ExactGelu().getActivation(Nd4j.createFromArray(xs), false);
        for (int i = 0; i < xs.length; i++) {
            assertEquals(expected[i], y.getDouble(i), 1e-12, "x=" + xs[i]);
        }
        // derivative Φ(x) + xφ(x) at 1: 0.8413447460685429 + 0.24197072451914337
        INDArray g = new ExactGelu().backprop(Nd4j.createFromArray(1.0), Nd4j.createFromArray(1.0)).getFirst();
        assertEquals(1.0833154705876864, g.getDouble(0), 1e-12);
    }

    @Test
    void badConfigurationsNameTheLayer() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new GroupNorm("bn9", 6, 4, 1e-5));
        assertEquals(true, e.getMessage().contains("bn9"));
        assertThrows(IllegalArgumentException.class, () -> new AttentionCore("a", 6, 4));
        assertThrows(IllegalArgumentException.class,
                () -> net().getLayer("x").setParam("gamma", Nd4j.zeros(DataType.DOUBLE, 1, 5)));
    }

    private static ComputationGraph net() {
        return single(new GroupNorm("x", 4, 2, 1e-5), InputType.convolutional(2, 2, 4));
    }
}

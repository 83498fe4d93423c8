package org.mudsc4j.dl4j;

import java.nio.FloatBuffer;
import java.util.stream.IntStream;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Training-mode BatchNorm and GroupNorm kernels for float32 NCHW tensors, written as plain loops.
 *
 * <p>Why by hand: libnd4j's per-channel variance (a strided reduction) and its {@code batchnorm_bp} op take 5–20×
 * PyTorch's time for the same tensors on this CPU, and made normalisation ~45 % of a ResNet-20 training step. Each
 * kernel here makes two passes over memory (statistics, then the output), works on blocks that stay in cache, and
 * runs the channels (BatchNorm) or samples (GroupNorm) in parallel. Statistics use the two-pass formula per block
 * and Chan's combination across blocks, in double. Arrays must be float, c-contiguous and start at offset 0
 * ({@link #contiguous}).
 */
public final class NormKernels {
    private NormKernels() {
    }

    /** {@code a} itself when the kernels can read its memory directly, otherwise a contiguous float copy. */
    public static INDArray contiguous(INDArray a) {
        boolean direct = a.dataType() == DataType.FLOAT && a.ordering() == 'c' && !a.isView() && a.offset() == 0
                && Shape.hasDefaultStridesForShape(a);
        return direct ? a : a.castTo(DataType.FLOAT).dup('c');
    }

    /** Writes per-channel results (e.g. dγ, dβ) into a parameter-shaped view such as a gradient view; returns it. */
    public static INDArray store(double[] values, INDArray view) {
        view.assign(Nd4j.createFromArray(values).castTo(view.dataType()).reshape(view.shape()));
        return view;
    }

    private static FloatBuffer buffer(INDArray a) {
        return a.data().asNioFloat().slice();
    }

    /** Mean and M2 (sum of squared deviations) of a contiguous block, two passes over the (cached) block. */
    private static void blockMoments(FloatBuffer b, int off, int len, double[] out) {
        float s = 0;
        for (int i = 0; i < len; i++) {
            s += b.get(off + i);
        }
        float m = s / len;
        float q = 0;
        for (int i = 0; i < len; i++) {
            float d = b.get(off + i) - m;
            q += d * d;
        }
        out[0] = m;
        out[1] = q;
    }

    // ---------------------------------------------------------------- BatchNorm: statistics per channel over (N, H, W)

    /** Per-channel mean and biased variance of an NCHW (or NC) tensor, over every axis but 1. */
    public static void channelMoments(INDArray x, double[] mean, double[] var) {
        INDArray a = contiguous(x);
        int n = (int) a.size(0), c = (int) a.size(1);
        int hw = (int) (a.length() / ((long) n * c));
        FloatBuffer b = buffer(a);
        IntStream.range(0, c).parallel().forEach(ch -> channelMoments(b, n, c, hw, ch, mean, var));
    }

    private static void channelMoments(FloatBuffer xb, int n, int c, int hw, int ch, double[] mean, double[] var) {
        double[] mom = new double[2];
        double count = 0, mu = 0, m2 = 0;
        for (int s = 0; s < n; s++) {
            blockMoments(xb, (s * c + ch) * hw, hw, mom);
            double delta = mom[0] - mu; // Chan et al.: combine (count, mu, m2) with (hw, mom)
            double total = count + hw;
            mu += delta * hw / total;
            m2 += mom[1] + delta * delta * count * hw / total;
            count = total;
        }
        mean[ch] = mu;
        var[ch] = m2 / count;
    }

    /**
     * y = γ·(x − μ)/√(σ² + eps) + β with the batch mean μ and biased variance σ² of every channel; writes μ and σ².
     */
    public static void batchNormForward(INDArray x, INDArray y, float[] gamma, float[] beta, double eps,
                                        double[] mean, double[] var) {
        int n = (int) x.size(0), c = (int) x.size(1);
        int hw = (int) (x.length() / ((long) n * c));
        FloatBuffer xb = buffer(x), yb = buffer(y);
        IntStream.range(0, c).parallel().forEach(ch -> {
            channelMoments(xb, n, c, hw, ch, mean, var);
            double mu = mean[ch];
            float scale = (float) (gamma[ch] / Math.sqrt(var[ch] + eps));
            float shift = (float) (beta[ch] - mu * scale);
            for (int s = 0; s < n; s++) {
                int off = (s * c + ch) * hw;
                for (int i = 0; i < hw; i++) {
                    yb.put(off + i, xb.get(off + i) * scale + shift);
                }
            }
        });
    }

    /**
     * Gradients of {@link #batchNormForward} through the batch statistics: dx, and dγ, dβ per channel.
     */
    public static void batchNormBackward(INDArray x, INDArray dy, INDArray dx, float[] gamma, double eps,
                                         double[] mean, double[] var, double[] dGamma, double[] dBeta) {
        int n = (int) x.size(0), c = (int) x.size(1);
        int hw = (int) (x.length() / ((long) n * c));
        FloatBuffer xb = buffer(x), gb = buffer(dy), ob = buffer(dx);
        double count = (double) n * hw;
        IntStream.range(0, c).parallel().forEach(ch -> {
            float mu = (float) mean[ch];
            double sumDy = 0, sumDyXc = 0;
            for (int s = 0; s < n; s++) {
                int off = (s * c + ch) * hw;
                float a = 0, b = 0;
                for (int i = 0; i < hw; i++) {
                    float g = gb.get(off + i);
                    a += g;
                    b += g * (xb.get(off + i) - mu);
                }
                sumDy += a;
                sumDyXc += b;
            }
            double invStd = 1 / Math.sqrt(var[ch] + eps);
            dBeta[ch] = sumDy;
            dGamma[ch] = sumDyXc * invStd;
            // dx = γ·invStd·(dy − Σdy/M − (x − μ)·invStd²·Σdy(x − μ)/M) = k1·dy + k2·x + k3
            double k1 = gamma[ch] * invStd;
            double k2 = -k1 * invStd * invStd * sumDyXc / count;
            double k3 = -k1 * sumDy / count - k2 * mean[ch];
            float f1 = (float) k1, f2 = (float) k2, f3 = (float) k3;
            for (int s = 0; s < n; s++) {
                int off = (s * c + ch) * hw;
                for (int i = 0; i < hw; i++) {
                    ob.put(off + i, f1 * gb.get(off + i) + f2 * xb.get(off + i) + f3);
                }
            }
        });
    }

    // ------------------------------------------------- GroupNorm: statistics per (sample, group) over (C/G, H, W)

    /**
     * y = γ_c·(x − μ_ng)/√(σ²_ng + eps) + β_c; writes μ and 1/√(σ² + eps) per (sample, group), index n·G + g.
     */
    public static void groupNormForward(INDArray x, INDArray y, int groups, float[] gamma, float[] beta, double eps,
                                        double[] mean, double[] invStd) {
        int n = (int) x.size(0), c = (int) x.size(1);
        int hw = (int) (x.length() / ((long) n * c));
        int per = c / groups;
        int len = per * hw;
        FloatBuffer xb = buffer(x), yb = buffer(y);
        IntStream.range(0, n * groups).parallel().forEach(ng -> {
            double[] mom = new double[2];
            int off = ng * len; // (n·C + g·per)·hw
            blockMoments(xb, off, len, mom);
            mean[ng] = mom[0];
            invStd[ng] = 1 / Math.sqrt(mom[1] / len + eps);
            int g = ng % groups;
            for (int k = 0; k < per; k++) {
                int ch = g * per + k;
                float scale = (float) (gamma[ch] * invStd[ng]);
                float shift = (float) (beta[ch] - mom[0] * scale);
                int o = off + k * hw;
                for (int i = 0; i < hw; i++) {
                    yb.put(o + i, xb.get(o + i) * scale + shift);
                }
            }
        });
    }

    /** Gradients of {@link #groupNormForward}: dx, and dγ, dβ per channel (summed over samples). */
    public static void groupNormBackward(INDArray x, INDArray dy, INDArray dx, int groups, float[] gamma,
                                         double[] mean, double[] invStd, double[] dGamma, double[] dBeta) {
        int n = (int) x.size(0), c = (int) x.size(1);
        int hw = (int) (x.length() / ((long) n * c));
        int per = c / groups;
        int len = per * hw;
        FloatBuffer xb = buffer(x), gb = buffer(dy), ob = buffer(dx);
        // per sample: dγ and dβ partials for its channels, reduced afterwards (samples run in parallel)
        double[][] partial = new double[n][];
        IntStream.range(0, n).parallel().forEach(s -> {
            double[] p = new double[2 * c];
            for (int g = 0; g < groups; g++) {
                int ng = s * groups + g;
                int off = ng * len;
                float mu = (float) mean[ng], inv = (float) invStd[ng];
                double sumDxh = 0, sumDxhXh = 0; // Σ γ·dy and Σ γ·dy·x̂ over the group
                for (int k = 0; k < per; k++) {
                    int ch = g * per + k;
                    int o = off + k * hw;
                    float a = 0, b = 0;
                    for (int i = 0; i < hw; i++) {
                        float d = gb.get(o + i);
                        a += d;
                        b += d * (xb.get(o + i) - mu) * inv;
                    }
                    p[ch] += b;
                    p[c + ch] += a;
                    sumDxh += gamma[ch] * (double) a;
                    sumDxhXh += gamma[ch] * (double) b;
                }
                // dx = inv·(γ·dy − Σγdy/M − x̂·Σγdy·x̂/M)
                float m1 = (float) (sumDxh / len), m2 = (float) (sumDxhXh / len);
                for (int k = 0; k < per; k++) {
                    int ch = g * per + k;
                    int o = off + k * hw;
                    float gm = gamma[ch];
                    for (int i = 0; i < hw; i++) {
                        float xh = (xb.get(o + i) - mu) * inv;
                        ob.put(o + i, inv * (gm * gb.get(o + i) - m1 - xh * m2));
                    }
                }
            }
            partial[s] = p;
        });
        java.util.Arrays.fill(dGamma, 0);
        java.util.Arrays.fill(dBeta, 0);
        for (double[] p : partial) {
            for (int ch = 0; ch < c; ch++) {
                dGamma[ch] += p[ch];
                dBeta[ch] += p[c + ch];
            }
        }
    }
}

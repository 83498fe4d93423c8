package org.mudsc4j.dl4j;

import java.util.Arrays;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.batch_normalization_backward;
import org.bytedeco.dnnl.batch_normalization_forward;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.stream;
import org.bytedeco.dnnl.global.dnnl.normalization_flags;
import org.bytedeco.dnnl.global.dnnl.prop_kind;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SCALE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SHIFT;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_MEAN;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SCALE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SHIFT;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_VARIANCE;

/**
 * One BatchNorm's oneDNN training primitives (batch statistics, scale γ and shift β) for one shape of channel-blocked
 * activations ({@link ActivationLayouts}). oneDNN normalises with the batch mean and biased variance, as DL4J does;
 * the layer reads both back for its running statistics.
 *
 * <p>Why oneDNN and not {@link NormKernels} here: the Java kernels walk one channel at a time, which in a blocked
 * layout is a strided walk; oneDNN's kernels for its own layouts read each activation once per pass, vectorised
 * across the channels of a block.
 *
 * <p>Not thread-safe: one instance belongs to one layer.
 */
final class OneDnnBatchNorm {
    private final long[] shape;
    private final batch_normalization_forward forward;
    private final batch_normalization_backward backward;
    private final memory src;
    private final memory dst;
    private final memory diffDst;
    private final memory diffSrc;
    private final memory scale;
    private final memory shift;
    private final memory diffScale;
    private final memory diffShift;
    private final memory mean;
    private final memory variance;
    private final IntMemoryMap forwardArgs = new IntMemoryMap();
    private final IntMemoryMap backwardArgs = new IntMemoryMap();

    OneDnnBatchNorm(long[] shape, int block, double eps) {
        if (shape.length != 4 || block <= 0 || shape[1] % block != 0) {
            throw new IllegalArgumentException("BatchNorm on blocked activations needs a 4-d shape whose channels are "
                    + "a multiple of the block " + block + ", got " + Arrays.toString(shape));
        }
        this.shape = shape.clone();
        var engine = OneDnn.engine();
        memory.desc data = new memory.desc(shape, memory.data_type.f32, OneDnn.activationTag(block));
        int flags = normalization_flags.use_scale.value | normalization_flags.use_shift.value;
        var fpd = new batch_normalization_forward.primitive_desc(new batch_normalization_forward.desc(
                prop_kind.forward_training.value, data, (float) eps, flags), engine);
        var bpd = new batch_normalization_backward.primitive_desc(new batch_normalization_backward.desc(
                prop_kind.backward.value, data, data, (float) eps, flags), engine, fpd);
        if (fpd.workspace_desc().get_size() != 0) {
            throw new IllegalStateException("oneDNN BatchNorm wants a workspace, which this layer does not provide");
        }
        forward = new batch_normalization_forward(fpd);
        backward = new batch_normalization_backward(bpd);
        src = OneDnn.unbound(data);
        dst = OneDnn.unbound(data);
        diffDst = OneDnn.unbound(data);
        diffSrc = OneDnn.unbound(data);
        memory.desc perChannel = new memory.desc(new long[] {shape[1]}, memory.data_type.f32, memory.format_tag.x);
        scale = OneDnn.unbound(perChannel);
        shift = OneDnn.unbound(perChannel);
        diffScale = OneDnn.unbound(perChannel);
        diffShift = OneDnn.unbound(perChannel);
        mean = new memory(fpd.mean_desc(), engine);
        variance = new memory(fpd.variance_desc(), engine);

        forwardArgs.put(DNNL_ARG_SRC, src);
        forwardArgs.put(DNNL_ARG_DST, dst);
        forwardArgs.put(DNNL_ARG_SCALE, scale);
        forwardArgs.put(DNNL_ARG_SHIFT, shift);
        forwardArgs.put(DNNL_ARG_MEAN, mean);
        forwardArgs.put(DNNL_ARG_VARIANCE, variance);
        backwardArgs.put(DNNL_ARG_SRC, src);
        backwardArgs.put(DNNL_ARG_MEAN, mean);
        backwardArgs.put(DNNL_ARG_VARIANCE, variance);
        backwardArgs.put(DNNL_ARG_DIFF_DST, diffDst);
        backwardArgs.put(DNNL_ARG_SCALE, scale);
        backwardArgs.put(DNNL_ARG_SHIFT, shift); // unused by the maths, but oneDNN 2.5 checks it is there
        backwardArgs.put(DNNL_ARG_DIFF_SRC, diffSrc);
        backwardArgs.put(DNNL_ARG_DIFF_SCALE, diffScale);
        backwardArgs.put(DNNL_ARG_DIFF_SHIFT, diffShift);
    }

    boolean fits(long[] shape) {
        return Arrays.equals(this.shape, shape);
    }

    /**
     * {@code y = γ·(x − μ)/√(σ² + eps) + β} with the batch statistics, which are written to {@code batchMean} and
     * {@code batchVar}. All arrays dense floats; {@code x} and {@code y} in this plan's blocked layout.
     */
    void forward(INDArray x, INDArray gamma, INDArray beta, INDArray y, double[] batchMean, double[] batchVar) {
        stream s = OneDnn.stream();
        src.set_data_handle(OneDnn.address(x), s);
        dst.set_data_handle(OneDnn.address(y), s);
        scale.set_data_handle(OneDnn.address(gamma), s);
        shift.set_data_handle(OneDnn.address(beta), s);
        forward.execute(s, forwardArgs);
        s._wait();
        read(mean, batchMean);
        read(variance, batchVar);
    }

    /**
     * Gradients for the input ({@code dx}), γ ({@code dGamma}) and β ({@code dBeta}) from {@code dy}, through the
     * statistics of the last {@link #forward} on the same {@code x}.
     */
    void backward(INDArray x, INDArray dy, INDArray gamma, INDArray beta, INDArray dx, INDArray dGamma,
                  INDArray dBeta) {
        stream s = OneDnn.stream();
        shift.set_data_handle(OneDnn.address(beta), s);
        src.set_data_handle(OneDnn.address(x), s);
        diffDst.set_data_handle(OneDnn.address(dy), s);
        scale.set_data_handle(OneDnn.address(gamma), s);
        diffSrc.set_data_handle(OneDnn.address(dx), s);
        diffScale.set_data_handle(OneDnn.address(dGamma), s);
        diffShift.set_data_handle(OneDnn.address(dBeta), s);
        backward.execute(s, backwardArgs);
        s._wait();
    }

    private void read(memory m, double[] out) {
        FloatPointer p = new FloatPointer(m.get_data_handle());
        for (int i = 0; i < out.length; i++) {
            out[i] = p.get(i);
        }
    }
}

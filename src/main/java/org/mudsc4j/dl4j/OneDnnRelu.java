package org.mudsc4j.dl4j;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.eltwise_backward;
import org.bytedeco.dnnl.eltwise_forward;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.stream;
import org.bytedeco.dnnl.global.dnnl.algorithm;
import org.bytedeco.dnnl.global.dnnl.prop_kind;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;

/**
 * oneDNN's ReLU over a dense float array of one length, seen as a flat vector: element-wise, so the same plan serves
 * NCHW and channel-blocked activations alike.
 *
 * <p>Why: the backward pass is one read of {@code x} and {@code dy} and one write of {@code dx}; through ND4J it
 * takes two ops (a step mask, then a product) and twice the memory traffic.
 *
 * <p>Not thread-safe: one instance belongs to one layer.
 */
final class OneDnnRelu {
    private final long length;
    private final eltwise_forward forward;
    private final eltwise_backward backward;
    private final memory src;
    private final memory dst;
    private final memory diffDst;
    private final memory diffSrc;
    private final IntMemoryMap forwardArgs = new IntMemoryMap();
    private final IntMemoryMap backwardArgs = new IntMemoryMap();

    OneDnnRelu(long length) {
        this.length = length;
        var engine = OneDnn.engine();
        memory.desc flat = new memory.desc(new long[] {length}, memory.data_type.f32, memory.format_tag.a);
        var fpd = new eltwise_forward.primitive_desc(new eltwise_forward.desc(prop_kind.forward_training,
                algorithm.eltwise_relu, flat, 0f, 0f), engine);
        var bpd = new eltwise_backward.primitive_desc(new eltwise_backward.desc(algorithm.eltwise_relu, flat, flat,
                0f, 0f), engine, fpd);
        forward = new eltwise_forward(fpd);
        backward = new eltwise_backward(bpd);
        src = OneDnn.unbound(flat);
        dst = OneDnn.unbound(flat);
        diffDst = OneDnn.unbound(flat);
        diffSrc = OneDnn.unbound(flat);
        forwardArgs.put(DNNL_ARG_SRC, src);
        forwardArgs.put(DNNL_ARG_DST, dst);
        backwardArgs.put(DNNL_ARG_SRC, src);
        backwardArgs.put(DNNL_ARG_DIFF_DST, diffDst);
        backwardArgs.put(DNNL_ARG_DIFF_SRC, diffSrc);
    }

    long length() {
        return length;
    }

    /** {@code y = max(x, 0)}; both dense floats of this plan's length. */
    void forward(INDArray x, INDArray y) {
        stream s = OneDnn.stream();
        src.set_data_handle(OneDnn.address(x), s);
        dst.set_data_handle(OneDnn.address(y), s);
        forward.execute(s, forwardArgs);
        s._wait();
    }

    /** {@code dx = dy·[x > 0]}. */
    void backward(INDArray x, INDArray dy, INDArray dx) {
        stream s = OneDnn.stream();
        src.set_data_handle(OneDnn.address(x), s);
        diffDst.set_data_handle(OneDnn.address(dy), s);
        diffSrc.set_data_handle(OneDnn.address(dx), s);
        backward.execute(s, backwardArgs);
        s._wait();
    }
}

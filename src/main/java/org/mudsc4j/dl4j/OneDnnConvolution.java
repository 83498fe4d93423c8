package org.mudsc4j.dl4j;

import java.util.Arrays;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.convolution_backward_data;
import org.bytedeco.dnnl.convolution_backward_weights;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;
import org.bytedeco.dnnl.global.dnnl.algorithm;
import org.bytedeco.dnnl.global.dnnl.prop_kind;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;

/**
 * One 2-D convolution's oneDNN primitives and buffers for one input shape: float activations in NCHW (DL4J's
 * layout) or in oneDNN's channel-blocked layout ({@link ActivationLayouts}), OIHW weights, optional bias. Built once per layer and batch shape, then reused every step.
 *
 * <p>A plain activation crosses into oneDNN's preferred (blocked) layout once per direction:
 * forward reorders the input in and the output out; backward reorders the incoming gradient in and the input
 * gradient out, and reuses the blocked input kept from the forward pass for the weight gradient. Buffers that only
 * live within one call come from a per-thread scratch area shared by all layers.
 *
 * <p>Not thread-safe: one instance belongs to one layer, which DL4J runs on one thread at a time.
 */
final class OneDnnConvolution {
    /**
     * Shapes and hyper-parameters; padding is top/left, the bottom/right padding follows from the output size.
     * {@code inputBlock}/{@code outputBlock}: the channel block of the input (and its gradient) and of the output (and
     * its gradient) as the caller holds them, 0 for plain NCHW ({@link ActivationLayouts}).
     */
    record Geometry(long batch, long inChannels, long height, long width, long outChannels, long kernelH,
                    long kernelW, long strideH, long strideW, long padH, long padW, long dilationH,
                    long dilationW, boolean bias, int inputBlock, int outputBlock) {
        Geometry {
            if (inputBlock > 0 && inChannels % inputBlock != 0 || outputBlock > 0 && outChannels % outputBlock != 0) {
                throw new IllegalArgumentException("Channel counts " + inChannels + "/" + outChannels
                        + " are not multiples of the activation blocks " + inputBlock + "/" + outputBlock);
            }
        }

        /** Plain NCHW activations on both sides. */
        Geometry(long batch, long inChannels, long height, long width, long outChannels, long kernelH, long kernelW,
                 long strideH, long strideW, long padH, long padW, long dilationH, long dilationW, boolean bias) {
            this(batch, inChannels, height, width, outChannels, kernelH, kernelW, strideH, strideW, padH, padW,
                    dilationH, dilationW, bias, 0, 0);
        }

        long outHeight() {
            return (height + 2 * padH - ((kernelH - 1) * dilationH + 1)) / strideH + 1;
        }

        long outWidth() {
            return (width + 2 * padW - ((kernelW - 1) * dilationW + 1)) / strideW + 1;
        }

        long[] inputShape() {
            return new long[] {batch, inChannels, height, width};
        }

        long[] outputShape() {
            return new long[] {batch, outChannels, outHeight(), outWidth()};
        }
    }

    private final Geometry geometry;
    private final Staged src;
    private final Staged srcForWeights; // == src unless backward-weights wants another layout than forward
    private final Staged weights;
    private final Staged weightsForData;
    private final Staged dst;
    private final Staged diffDst;
    private final Staged diffDstForWeights;
    private final Staged diffSrc;
    private final Staged diffWeights;
    private final memory bias;
    private final memory diffBias;
    private final convolution_forward forward;
    private final convolution_backward_data backwardData;
    private final convolution_backward_weights backwardWeights;
    private final IntMemoryMap forwardArgs = new IntMemoryMap();
    private final IntMemoryMap dataArgs = new IntMemoryMap();
    private final IntMemoryMap weightArgs = new IntMemoryMap();
    /** The input whose blocked copy {@link #src} holds (identity and address), so backward can skip a reorder. */
    private INDArray heldInput;
    private long heldAddress;

    OneDnnConvolution(Geometry g) {
        this.geometry = g;
        long[] in = g.inputShape();
        long[] out = g.outputShape();
        long[] w = {g.outChannels(), g.inChannels(), g.kernelH(), g.kernelW()};
        long[] strides = {g.strideH(), g.strideW()};
        long[] dilates = {g.dilationH() - 1, g.dilationW() - 1}; // oneDNN counts the gaps, DL4J the step
        long[] padL = {g.padH(), g.padW()};
        long[] padR = {(g.outHeight() - 1) * g.strideH() + (g.kernelH() - 1) * g.dilationH() + 1 - g.height() - g.padH(),
                (g.outWidth() - 1) * g.strideW() + (g.kernelW() - 1) * g.dilationW() + 1 - g.width() - g.padW()};
        memory.desc anySrc = any(in);
        memory.desc anyW = any(w);
        memory.desc anyDst = any(out);
        memory.desc biasDesc = new memory.desc(new long[] {g.outChannels()}, memory.data_type.f32, memory.format_tag.x);
        var engine = OneDnn.engine();
        convolution_forward.desc fd = g.bias()
                ? new convolution_forward.desc(prop_kind.forward_training, algorithm.convolution_direct, anySrc, anyW,
                        biasDesc, anyDst, strides, dilates, padL, padR)
                : new convolution_forward.desc(prop_kind.forward_training, algorithm.convolution_direct, anySrc, anyW,
                        anyDst, strides, dilates, padL, padR);
        convolution_forward.primitive_desc fpd = new convolution_forward.primitive_desc(fd, engine);
        convolution_backward_data.primitive_desc dpd = new convolution_backward_data.primitive_desc(
                new convolution_backward_data.desc(algorithm.convolution_direct, anySrc, anyW, anyDst, strides,
                        dilates, padL, padR), engine, fpd);
        convolution_backward_weights.primitive_desc wpd = new convolution_backward_weights.primitive_desc(g.bias()
                ? new convolution_backward_weights.desc(algorithm.convolution_direct, anySrc, anyW, biasDesc, anyDst,
                        strides, dilates, padL, padR)
                : new convolution_backward_weights.desc(algorithm.convolution_direct, anySrc, anyW, anyDst, strides,
                        dilates, padL, padR), engine, fpd);
        forward = new convolution_forward(fpd);
        backwardData = new convolution_backward_data(dpd);
        backwardWeights = new convolution_backward_weights(wpd);

        memory.format_tag inTag = OneDnn.activationTag(g.inputBlock());
        memory.format_tag outTag = OneDnn.activationTag(g.outputBlock());
        src = new Staged(in, inTag, fpd.src_desc(), Scratch.NONE);
        srcForWeights = wpd.src_desc().equals(fpd.src_desc()) ? src
                : new Staged(in, inTag, wpd.src_desc(), Scratch.SRC_FOR_WEIGHTS);
        weights = new Staged(w, memory.format_tag.oihw, fpd.weights_desc(), Scratch.NONE);
        weightsForData = new Staged(w, memory.format_tag.oihw, dpd.weights_desc(), Scratch.NONE);
        dst = new Staged(out, outTag, fpd.dst_desc(), Scratch.OUTPUT);
        diffDst = new Staged(out, outTag, dpd.diff_dst_desc(), Scratch.OUTPUT);
        diffDstForWeights = wpd.diff_dst_desc().equals(dpd.diff_dst_desc()) ? diffDst
                : new Staged(out, outTag, wpd.diff_dst_desc(), Scratch.DIFF_DST_FOR_WEIGHTS);
        diffSrc = new Staged(in, inTag, dpd.diff_src_desc(), Scratch.INPUT_GRADIENT);
        diffWeights = new Staged(w, memory.format_tag.oihw, wpd.diff_weights_desc(), Scratch.NONE);
        bias = g.bias() ? OneDnn.plain(new long[] {g.outChannels()}, memory.format_tag.x) : null;
        diffBias = g.bias() ? OneDnn.plain(new long[] {g.outChannels()}, memory.format_tag.x) : null;

        forwardArgs.put(DNNL_ARG_SRC, src.internal);
        forwardArgs.put(DNNL_ARG_WEIGHTS, weights.internal);
        forwardArgs.put(DNNL_ARG_DST, dst.internal);
        dataArgs.put(DNNL_ARG_DIFF_DST, diffDst.internal);
        dataArgs.put(DNNL_ARG_WEIGHTS, weightsForData.internal);
        dataArgs.put(DNNL_ARG_DIFF_SRC, diffSrc.internal);
        weightArgs.put(DNNL_ARG_SRC, srcForWeights.internal);
        weightArgs.put(DNNL_ARG_DIFF_DST, diffDstForWeights.internal);
        weightArgs.put(DNNL_ARG_DIFF_WEIGHTS, diffWeights.internal);
        if (g.bias()) {
            forwardArgs.put(DNNL_ARG_BIAS, bias);
            weightArgs.put(DNNL_ARG_DIFF_BIAS, diffBias);
        }
    }

    Geometry geometry() {
        return geometry;
    }

    /** {@code y = conv(x, w) + b}; {@code y} has {@link Geometry#outputShape()}. All arrays dense row-major float. */
    void forward(INDArray x, INDArray w, INDArray b, INDArray y) {
        stream s = OneDnn.stream();
        src.load(x, s);
        weights.load(w, s);
        if (bias != null) {
            bias.set_data_handle(OneDnn.address(b), s);
        }
        dst.bind(y);
        forward.execute(s, forwardArgs);
        dst.store(s);
        s._wait();
        heldInput = x;
        heldAddress = OneDnn.address(x).address();
    }

    /**
     * Gradients for the input ({@code dx}, written), the weights ({@code dw}) and the bias ({@code db}, or null),
     * from the output gradient {@code dy}, the layer input {@code x} and the weights {@code w}.
     */
    void backward(INDArray x, INDArray dy, INDArray w, INDArray dx, INDArray dw, INDArray db) {
        stream s = OneDnn.stream();
        boolean held = x == heldInput && OneDnn.address(x).address() == heldAddress;
        if (!held || src.internal == src.user) {
            src.load(x, s);
        }
        if (srcForWeights != src) {
            srcForWeights.load(x, s);
        }
        diffDst.load(dy, s);
        if (diffDstForWeights != diffDst) {
            diffDstForWeights.load(dy, s);
        }
        weightsForData.load(w, s);
        diffSrc.bind(dx);
        backwardData.execute(s, dataArgs);
        diffSrc.store(s);
        diffWeights.bind(dw);
        if (diffBias != null) {
            diffBias.set_data_handle(OneDnn.address(db), s);
        }
        backwardWeights.execute(s, weightArgs);
        diffWeights.store(s);
        s._wait();
    }

    private static memory.desc any(long[] shape) {
        return new memory.desc(shape, memory.data_type.f32, memory.format_tag.any);
    }

    /**
     * A tensor in the caller's layout ({@link #user}, pointed at the caller's array on every use) and the
     * layout the primitive wants ({@link #internal}: the same memory when the layouts agree, otherwise an own
     * buffer with reorders both ways).
     */
    private static final class Staged {
        final memory user;
        final memory internal;
        private final reorder in;
        private final reorder out;
        private final int scratchSlot;
        private final long internalBytes;

        Staged(long[] shape, memory.format_tag userTag, memory.desc wanted, int scratchSlot) {
            user = OneDnn.plain(shape, userTag);
            if (wanted.equals(user.get_desc())) {
                internal = user;
                in = null;
                out = null;
                this.scratchSlot = Scratch.NONE;
            } else {
                this.scratchSlot = scratchSlot;
                internal = scratchSlot == Scratch.NONE ? new memory(wanted, OneDnn.engine())
                        : new memory(wanted, OneDnn.engine(), new Pointer());
                in = new reorder(user, internal);
                out = new reorder(internal, user);
            }
            internalBytes = wanted.get_size();
        }

        /** Points at {@code a} (and at this thread's scratch buffer when the internal copy lives there). */
        void bind(INDArray a) {
            user.set_data_handle(OneDnn.address(a));
            if (scratchSlot != Scratch.NONE) {
                internal.set_data_handle(Scratch.slot(scratchSlot, internalBytes));
            }
        }

        /** Binds {@code a} and copies it into the internal layout. */
        void load(INDArray a, stream s) {
            bind(a);
            if (in != null) {
                in.execute(s, user, internal);
            }
        }

        /** Copies the internal layout back into the bound array. */
        void store(stream s) {
            if (out != null) {
                out.execute(s, internal, user);
            }
        }
    }

    /** Per-thread buffers for blocked tensors that live within one forward or backward call. */
    static final class Scratch {
        static final int NONE = -1;
        static final int OUTPUT = 0;
        static final int INPUT_GRADIENT = 1;
        static final int DIFF_DST_FOR_WEIGHTS = 2;
        static final int SRC_FOR_WEIGHTS = 3;
        private static final ThreadLocal<Scratch> PER_THREAD = ThreadLocal.withInitial(Scratch::new);
        private final memory[] buffers = new memory[4];
        private final long[] sizes = new long[4];
        private final Pointer[] handles = new Pointer[4];

        private Scratch() {
        }

        /** A buffer of at least {@code bytes} for {@code slot}, grown (never shrunk) as layers ask for more. */
        static Pointer slot(int slot, long bytes) {
            Scratch s = PER_THREAD.get();
            if (s.sizes[slot] < bytes) {
                if (s.buffers[slot] != null) {
                    s.buffers[slot].close();
                }
                s.buffers[slot] = new memory(new memory.desc(new long[] {bytes}, memory.data_type.u8,
                        memory.format_tag.a), OneDnn.engine());
                s.sizes[slot] = bytes;
                s.handles[slot] = s.buffers[slot].get_data_handle();
            }
            return s.handles[slot];
        }
    }

    @Override
    public String toString() {
        return "OneDnnConvolution" + Arrays.toString(geometry.inputShape()) + "->"
                + Arrays.toString(geometry.outputShape());
    }
}

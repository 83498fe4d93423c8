package org.mudsc4j.dl4j;

import org.bytedeco.dnnl.dnnl_version_t;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.stream;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * oneDNN called directly (bytedeco's build of oneDNN 2.5), for the training path: convolutions, and BatchNorm and ReLU
 * on channel-blocked activations ({@link ActivationLayouts}).
 *
 * <p>Why not through libnd4j: its {@code conv2d}/{@code conv2d_bp} ops build every primitive afresh and move each
 * activation between DL4J's plain NCHW layout and oneDNN's blocked one about nine times per layer and step, into
 * freshly allocated (page-faulting) buffers. Measured on ResNet-20 ×4 those reorders took 1.5 s of a 6.2 s step,
 * as long as the backward-weights convolution itself. Driving oneDNN directly lets a layer keep its primitives and
 * blocked buffers and reorder each activation once per direction.
 *
 * <p>Off by {@code -Dmudsc4j.onednn=false}, off on the CUDA backend, and off when the native library cannot be
 * loaded (logged once); callers then take DL4J's own path.
 */
public final class OneDnn {
    public static final String DISABLE_PROPERTY = "mudsc4j.onednn";
    private static final Logger LOG = LoggerFactory.getLogger(OneDnn.class);
    private static volatile Boolean available;
    private static engine cpu;
    private static final ThreadLocal<stream> STREAMS = ThreadLocal.withInitial(() -> new stream(cpu));

    private OneDnn() {
    }

    /** Whether direct oneDNN convolutions can run here. */
    public static boolean available() {
        Boolean a = available;
        if (a == null) {
            synchronized (OneDnn.class) {
                if (available == null) {
                    available = load();
                }
                a = available;
            }
        }
        return a;
    }

    private static boolean load() {
        if ("false".equalsIgnoreCase(System.getProperty(DISABLE_PROPERTY))) {
            LOG.info("Direct oneDNN convolutions switched off (-D{}=false)", DISABLE_PROPERTY);
            return false;
        }
        if (!"CPU".equalsIgnoreCase(Dl4jRuntime.backendName())) {
            return false;
        }
        try {
            cpu = new engine(engine.kind.cpu, 0);
            dnnl_version_t v = dnnl.dnnl_version();
            LOG.debug("Direct oneDNN {}.{}.{} for training-path convolutions", v.major(), v.minor(), v.patch());
            return true;
        } catch (Throwable t) { // UnsatisfiedLinkError on a platform without the native build, or a oneDNN error
            LOG.warn("oneDNN could not be loaded ({}); convolutions use DL4J's oneDNN helper instead", t.toString());
            return false;
        }
    }

    /**
     * The channel block of the activation layout oneDNN's convolutions prefer here ({@code nChw8c} on AVX2,
     * {@code nChw16c} on AVX-512), or 0 when they want plain NCHW or oneDNN is unavailable. Activations kept in this
     * layout between layers skip two reorders per convolution and direction ({@link ActivationLayouts}).
     */
    public static int activationBlock() {
        Integer b = activationBlock;
        if (b == null) {
            synchronized (OneDnn.class) {
                if (activationBlock == null) {
                    activationBlock = available() ? probeBlock() : 0;
                }
                b = activationBlock;
            }
        }
        return b;
    }

    private static volatile Integer activationBlock;

    /** Asks oneDNN which source layout it picks for a typical 3x3, 16-to-16-channel training convolution. */
    private static int probeBlock() {
        try {
            long[] act = {32, 16, 16, 16};
            var any = memory.format_tag.any;
            var f32 = memory.data_type.f32;
            var fd = new org.bytedeco.dnnl.convolution_forward.desc(dnnl.prop_kind.forward_training,
                    dnnl.algorithm.convolution_direct, new memory.desc(act, f32, any),
                    new memory.desc(new long[] {16, 16, 3, 3}, f32, any), new memory.desc(act, f32, any),
                    new long[] {1, 1}, new long[] {0, 0}, new long[] {1, 1}, new long[] {1, 1});
            memory.desc src = new org.bytedeco.dnnl.convolution_forward.primitive_desc(fd, cpu).src_desc();
            for (int block : new int[] {8, 16}) {
                if (src.equals(new memory.desc(act, f32, activationTag(block)))) {
                    return block;
                }
            }
            return 0;
        } catch (RuntimeException e) {
            LOG.warn("oneDNN layout probe failed ({}); activations stay in NCHW", e.toString());
            return 0;
        }
    }

    /** The format tag of a 4-d activation with channel block {@code block} (0: plain NCHW). */
    static memory.format_tag activationTag(int block) {
        return switch (block) {
            case 0 -> memory.format_tag.nchw;
            case 8 -> memory.format_tag.nChw8c;
            case 16 -> memory.format_tag.nChw16c;
            default -> throw new IllegalArgumentException("Unsupported channel block " + block);
        };
    }

    static engine engine() {
        return cpu;
    }

    /** This thread's stream (oneDNN streams must not be shared between threads). */
    static stream stream() {
        return STREAMS.get();
    }

    /** The address of {@code a}'s first element (the buffer pointer already includes a view's offset). */
    static Pointer address(INDArray a) {
        return a.data().addressPointer();
    }

    /** A float memory of the given shape and layout whose data handle is set before every use. */
    static memory plain(long[] shape, memory.format_tag tag) {
        return unbound(new memory.desc(shape, memory.data_type.f32, tag));
    }

    /** A memory of {@code desc} without data of its own; its data handle is set before every use. */
    static memory unbound(memory.desc desc) {
        return new memory(desc, cpu, new Pointer());
    }
}

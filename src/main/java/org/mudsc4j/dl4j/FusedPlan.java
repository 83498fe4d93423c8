package org.mudsc4j.dl4j;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.batch_normalization_forward;
import org.bytedeco.dnnl.binary;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.matmul;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.pooling_forward;
import org.bytedeco.dnnl.post_ops;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;
import org.bytedeco.dnnl.global.dnnl.algorithm;
import org.bytedeco.dnnl.global.dnnl.normalization_flags;
import org.bytedeco.dnnl.global.dnnl.prop_kind;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_ATTR_MULTIPLE_POST_OP_BASE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_MEAN;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SCALE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SHIFT;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_VARIANCE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WORKSPACE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC_0;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC_1;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;

/**
 * The oneDNN primitives and buffers of a {@link FusedChain} for one input shape and one mode: inference (the output,
 * or the hooked tensors as channel-major rows) or a training-mode pass for the BatchNorm statistics. Built by
 * {@link FusedForward}, which keeps a few per graph; see there for what each mode does and why.
 *
 * <p>Buffers: each tensor of the chain lives in a buffer taken when its step runs and given back after its last
 * reader; a residual add writes over its shortcut's buffer when nothing later reads the shortcut. Hooked tensors
 * and the last one are kept to the end.
 */
final class FusedPlan implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FusedPlan.class);
    /** Input channels from which a convolution runs as an inference primitive (see {@link StepPlan}). */
    static final int BRGEMM_FROM_CHANNELS = 32;

    private final List<FusedChain.Step> steps;
    private final int last;
    private final org.deeplearning4j.nn.api.Layer linear;
    private final List<Object> owned = new ArrayList<>();
    private final memory input;
    private final memory inputBlocked;
    private final reorder inputReorder;
    final StepPlan[] stepPlans;
    private final memory lastBlocked;
    private final memory output;
    private final reorder outputReorder;
    private final long[] outputShape;
    final INDArray plainOutput;
    private final Head head;

    private final boolean training;

    /** Hooked tensors: kept to the end of a pass and read back as channel-major rows instead of the output. */
    private final int[] hooks;
    private final memory[] hookBlocked;
    private final memory[] hookRows;
    private final reorder[] hookReorders;
    private final long[][] hookShapes;
    /** Per hook, the Java array {@link #rows} fills (allocated on first use). */
    private final float[][] hookValues;

    FusedPlan(FusedChain chain, long[] inputShape, boolean training, int[] hooks) {
        this.steps = chain.steps;
        this.last = chain.last;
        this.linear = chain.linear;
        this.training = training;
        this.hooks = hooks;
        int n = steps.size();
        memory.desc[] descs = new memory.desc[n + 1];
        long[][] shapes = new long[n + 1][];
        shapes[0] = inputShape;
        // the last reader of every tensor: its buffer is free for reuse after that step
        int[] lastUse = new int[n + 1];
        for (int i = 0; i < n; i++) {
            FusedChain.Step s = steps.get(i);
            lastUse[s.src] = Math.max(lastUse[s.src], i + 1);
            if (s.sumWith >= 0) {
                lastUse[s.sumWith] = Math.max(lastUse[s.sumWith], i + 1);
            }
        }
        lastUse[last] = Integer.MAX_VALUE;
        for (int h : hooks) {
            lastUse[h] = Integer.MAX_VALUE;
        }
        Buffers buffers = new Buffers();
        Pointer[] bufferOf = new Pointer[n + 1];

        input = own(OneDnn.plain(inputShape, memory.format_tag.nchw));
        stepPlans = new StepPlan[n];
        memory inBlocked = null;
        reorder inReorder = null;
        for (int i = 0; i < n; i++) {
            FusedChain.Step s = steps.get(i);
            for (int t = 1; t <= i; t++) { // buffers whose last reader has run
                if (lastUse[t] == i && bufferOf[t] != null) {
                    buffers.release(bufferOf[t]);
                }
            }
            OneDnnConvolution.Geometry g = geometry(s, shapes[s.src]);
            shapes[s.dst] = g.outputShape();
            memory.desc srcDesc = s.src == 0 ? any(shapes[0]) : descs[s.src];
            memory.desc dstDesc = s.sumWith >= 0 ? descs[s.sumWith] : any(shapes[s.dst]); // the add's layout
            StepPlan sp = new StepPlan(s, g, srcDesc, dstDesc);
            descs[s.dst] = sp.primitiveDesc.dst_desc();
            if (s.src == 0) {
                if (sp.primitiveDesc.src_desc().equals(input.get_desc())) {
                    sp.bindSource(input);
                } else {
                    if (inBlocked == null) {
                        inBlocked = own(new memory(sp.primitiveDesc.src_desc(), OneDnn.engine()));
                        inReorder = own(new reorder(input, inBlocked));
                    } else if (!inBlocked.get_desc().equals(sp.primitiveDesc.src_desc())) {
                        throw new IllegalStateException("convolutions on the network input want two layouts");
                    }
                    sp.bindSource(inBlocked);
                }
            } else {
                sp.bindSource(sp.memoryOn(descs[s.src], bufferOf[s.src]));
            }
            if (s.sumWith < 0) {
                bufferOf[s.dst] = buffers.take(descs[s.dst].get_size());
                sp.bindDestination(sp.memoryOn(descs[s.dst], bufferOf[s.dst]));
            } else {
                // the convolution's own output, then the add into the shortcut's buffer when no later step
                // reads the shortcut (the buffer moves on), else into a buffer of its own
                Pointer convolved = buffers.take(descs[s.dst].get_size());
                sp.bindDestination(sp.memoryOn(descs[s.dst], convolved));
                boolean inPlace = lastUse[s.sumWith] == i + 1 && s.sumWith != s.src && s.sumWith != last;
                if (inPlace) {
                    bufferOf[s.dst] = bufferOf[s.sumWith];
                    bufferOf[s.sumWith] = null;
                } else {
                    bufferOf[s.dst] = buffers.take(descs[s.dst].get_size());
                }
                sp.bindResidual(sp.memoryOn(descs[s.sumWith], bufferOf[s.sumWith] != null
                        ? bufferOf[s.sumWith] : bufferOf[s.dst]), sp.memoryOn(descs[s.dst], bufferOf[s.dst]));
                buffers.release(convolved);
            }
            stepPlans[i] = sp;
        }
        inputBlocked = inBlocked;
        inputReorder = inReorder;
        lastBlocked = own(new memory(descs[last], OneDnn.engine(), bufferOf[last]));
        owned.add(buffers);
        hookBlocked = new memory[hooks.length];
        hookRows = new memory[hooks.length];
        hookReorders = new reorder[hooks.length];
        hookShapes = new long[hooks.length][];
        hookValues = new float[hooks.length][];
        for (int k = 0; k < hooks.length; k++) {
            long[] sh = shapes[hooks[k]];
            hookShapes[k] = sh;
            hookBlocked[k] = own(new memory(descs[hooks[k]], OneDnn.engine(), bufferOf[hooks[k]]));
            // channel-major: channel c's values over (image, row, column) are contiguous
            hookRows[k] = own(new memory(new memory.desc(sh, memory.data_type.f32,
                    new long[] {sh[2] * sh[3], sh[0] * sh[2] * sh[3], sh[3], 1}), OneDnn.engine()));
            hookReorders[k] = own(new reorder(hookBlocked[k], hookRows[k]));
        }
        if (linear != null || training || hooks.length > 0) { // training: for the statistics; hooks: the rows
            head = linear != null && !training && hooks.length == 0 ? new Head(lastBlocked, shapes[last]) : null;
            outputShape = null;
            plainOutput = null;
            output = null;
            outputReorder = null;
            return;
        }
        head = null;
        outputShape = shapes[last];
        // one output array per plan, reused: a fresh one per call cost ~10 % of a ResNet-20 ×1 pass in page faults
        plainOutput = Nd4j.createUninitializedDetached(DataType.FLOAT, outputShape);
        output = own(OneDnn.plain(outputShape, memory.format_tag.nchw));
        output.set_data_handle(OneDnn.address(plainOutput));
        outputReorder = own(new reorder(lastBlocked, output));
    }

    INDArray run(INDArray x) {
        stream s = OneDnn.stream();
        input.set_data_handle(OneDnn.address(x));
        if (inputReorder != null) {
            inputReorder.execute(s, input, inputBlocked);
        }
        for (StepPlan sp : stepPlans) {
            sp.execute(s);
        }
        if (head != null) {
            return head.run(s);
        }
        if (training || hooks.length > 0) {
            for (int k = 0; k < hooks.length; k++) {
                hookReorders[k].execute(s, hookBlocked[k], hookRows[k]);
            }
            s._wait();
            return null;
        }
        outputReorder.execute(s, lastBlocked, output);
        s._wait();
        return plainOutput;
    }

    /**
     * Hooked tensor {@code k} of the last pass, copied out as channel-major rows into an array the plan reuses on every
     * pass: a fresh one per batch (~45 MB for ResNet-20 ×1 at batch 128) cost more in allocation and page faults than
     * the copy itself.
     */
    ActivationLayouts.ChannelRows rows(int k) {
        long[] sh = hookShapes[k];
        int samples = Math.toIntExact(sh[0] * sh[2] * sh[3]);
        if (hookValues[k] == null) {
            hookValues[k] = new float[Math.multiplyExact(samples, (int) sh[1])];
        }
        float[] values = hookValues[k];
        new FloatPointer(hookRows[k].get_data_handle()).get(values);
        return new ActivationLayouts.ChannelRows(values, (int) sh[1], samples);
    }

    private <T extends Pointer> T own(T p) {
        owned.add(p);
        return p;
    }

    @Override
    public void close() {
        for (Object o : owned) {
            if (o instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        owned.clear();
    }

    /** Global average pooling and the Linear (its bias included) on oneDNN; the loss layer is the identity. */
    private final class Head {
        private final pooling_forward pooling;
        private final memory pooled;
        private final memory pooledPlain;
        private final reorder pooledReorder;
        private final matmul product;
        private final memory weights;
        private final memory bias;
        private final memory result;
        private final IntMemoryMap productArgs = new IntMemoryMap();
        private final long[] resultShape;

        Head(memory features, long[] shape) {
            long n = shape[0], c = shape[1];
            INDArray w = linear.getParam(DefaultParamInitializer.WEIGHT_KEY);
            if (w.rank() != 2 || w.size(0) != c) {
                throw new IllegalStateException("Linear after the convolutions expects " + w.size(0)
                        + " inputs, the convolutions give " + c);
            }
            long out = w.size(1);
            pooling_forward.primitive_desc pd = own(new pooling_forward.primitive_desc(new pooling_forward.desc(
                    prop_kind.forward_inference, algorithm.pooling_avg_exclude_padding, features.get_desc(),
                    any(new long[] {n, c, 1, 1}), new long[] {1, 1}, new long[] {shape[2], shape[3]},
                    new long[] {0, 0}, new long[] {0, 0}), OneDnn.engine()));
            pooling = own(new pooling_forward(pd));
            pooled = own(new memory(pd.dst_desc(), OneDnn.engine()));
            pooledPlain = own(new memory(new memory.desc(new long[] {n, c, 1, 1}, memory.data_type.f32,
                    memory.format_tag.nchw), OneDnn.engine()));
            pooledReorder = own(new reorder(pooled, pooledPlain));
            // DL4J keeps the Linear's [in, out] weight column-major: described by its strides, read in place
            memory.desc src = new memory.desc(new long[] {n, c}, memory.data_type.f32, memory.format_tag.ab);
            memory.desc wd = new memory.desc(new long[] {c, out}, memory.data_type.f32, w.stride());
            memory.desc bd = new memory.desc(new long[] {1, out}, memory.data_type.f32, memory.format_tag.ab);
            memory.desc dst = new memory.desc(new long[] {n, out}, memory.data_type.f32, memory.format_tag.ab);
            product = own(new matmul(own(new matmul.primitive_desc(new matmul.desc(src, wd, bd, dst),
                    OneDnn.engine()))));
            weights = own(OneDnn.unbound(wd));
            bias = own(OneDnn.unbound(bd));
            result = own(OneDnn.unbound(dst));
            productArgs.put(DNNL_ARG_SRC, own(new memory(src, OneDnn.engine(), pooledPlain.get_data_handle())));
            productArgs.put(DNNL_ARG_WEIGHTS, weights);
            productArgs.put(DNNL_ARG_BIAS, bias);
            productArgs.put(DNNL_ARG_DST, result);
            IntMemoryMap poolArgs = new IntMemoryMap();
            resultShape = new long[] {n, out};
            this.poolingArgs = poolArgs;
            poolArgs.put(DNNL_ARG_SRC, features);
            poolArgs.put(DNNL_ARG_DST, pooled);
        }

        private final IntMemoryMap poolingArgs;

        INDArray run(stream s) {
            pooling.execute(s, poolingArgs);
            pooledReorder.execute(s, pooled, pooledPlain);
            weights.set_data_handle(OneDnn.address(linear.getParam(DefaultParamInitializer.WEIGHT_KEY)));
            bias.set_data_handle(OneDnn.address(DenseFloats.of(linear.getParam(DefaultParamInitializer.BIAS_KEY))));
            INDArray out = Nd4j.createUninitializedDetached(DataType.FLOAT, resultShape);
            result.set_data_handle(OneDnn.address(out));
            product.execute(s, productArgs);
            s._wait();
            return out;
        }
    }

    /** One convolution's primitive, its weights' reorder and its post-ops' per-channel operands. */
    final class StepPlan {
        private final FusedChain.Step step;
        final convolution_forward.primitive_desc primitiveDesc;
        private final convolution_forward primitive;
        private final IntMemoryMap args = new IntMemoryMap();
        private final memory weightsUser;
        private final memory weights;
        private final reorder weightsReorder;
        private final memory bias;
        private final FloatPointer scale;
        private final FloatPointer shift;
        private final float[] scaleValues;
        private final float[] shiftValues;
        private memory destination;
        private boolean loaded;
        private binary residualAdd;
        private batch_normalization_forward normalization;
        private final IntMemoryMap normalizationArgs = new IntMemoryMap();
        private memory gamma;
        private memory beta;
        private memory batchMean;
        private memory batchVariance;
        private final long samplesPerChannel;
        private final IntMemoryMap residualArgs = new IntMemoryMap();

        StepPlan(FusedChain.Step step, OneDnnConvolution.Geometry g, memory.desc srcDesc, memory.desc dstDesc) {
            this.step = step;
            this.samplesPerChannel = g.batch() * g.outHeight() * g.outWidth();
            long channels = g.outChannels();
            long[] w = {g.outChannels(), g.inChannels(), g.kernelH(), g.kernelW()};
            long[] strides = {g.strideH(), g.strideW()};
            long[] dilates = {g.dilationH() - 1, g.dilationW() - 1};
            long[] padL = {g.padH(), g.padW()};
            long[] padR = {(g.outHeight() - 1) * g.strideH() + (g.kernelH() - 1) * g.dilationH() + 1 - g.height()
                    - g.padH(), (g.outWidth() - 1) * g.strideW() + (g.kernelW() - 1) * g.dilationW() + 1
                    - g.width() - g.padW()};
            memory.desc biasDesc = new memory.desc(new long[] {channels}, memory.data_type.f32,
                    memory.format_tag.x);
            boolean batchNormAfter = training && step.batchNorm != null; // in training: a primitive of its own
            // oneDNN 2.5 answers an inference convolution with its brgemm kernels on AVX-512, which measured
            // 15-35 % faster than the direct ones from 32 input channels up and 20-30 % slower below
            prop_kind kind = g.inChannels() >= BRGEMM_FROM_CHANNELS ? prop_kind.forward_inference
                    : prop_kind.forward_training;
            convolution_forward.desc d = g.bias()
                    ? new convolution_forward.desc(kind, algorithm.convolution_direct,
                            srcDesc, any(w), biasDesc, dstDesc, strides, dilates, padL, padR)
                    : new convolution_forward.desc(kind, algorithm.convolution_direct,
                            srcDesc, any(w), dstDesc, strides, dilates, padL, padR);
            memory.desc perChannel = new memory.desc(new long[] {1, channels, 1, 1}, memory.data_type.f32,
                    memory.format_tag.nchw);
            post_ops ops = own(new post_ops());
            if (step.batchNorm != null && !training) {
                ops.append_binary(algorithm.binary_mul, perChannel);
                ops.append_binary(algorithm.binary_add, perChannel);
            }
            if (step.relu && step.sumWith < 0 && !batchNormAfter) {
                ops.append_eltwise(1.0f, algorithm.eltwise_relu, 0f, 0f);
            }
            primitive_attr attr = own(new primitive_attr());
            attr.set_post_ops(ops);
            primitiveDesc = own(new convolution_forward.primitive_desc(d, attr, OneDnn.engine()));
            String impl = primitiveDesc.impl_info_str().getString();
            if (!impl.startsWith("jit") && !impl.startsWith("brg")) {
                LOG.debug("Fused convolution {} runs on oneDNN's {}", step.conf().getLayerName(), impl);
            }
            primitive = own(new convolution_forward(primitiveDesc));
            weightsUser = own(OneDnn.plain(w, memory.format_tag.oihw));
            if (primitiveDesc.weights_desc().equals(weightsUser.get_desc())) {
                weights = weightsUser;
                weightsReorder = null;
            } else {
                weights = own(new memory(primitiveDesc.weights_desc(), OneDnn.engine()));
                weightsReorder = own(new reorder(weightsUser, weights));
            }
            args.put(DNNL_ARG_WEIGHTS, weights);
            bias = g.bias() ? own(OneDnn.plain(new long[] {channels}, memory.format_tag.x)) : null;
            if (bias != null) {
                args.put(DNNL_ARG_BIAS, bias);
            }
            if (step.batchNorm != null && !training) {
                scale = own(new FloatPointer(channels));
                shift = own(new FloatPointer(channels));
                scaleValues = new float[(int) channels];
                shiftValues = new float[(int) channels];
                args.put(postOpArgument(0), own(new memory(perChannel, OneDnn.engine(), scale)));
                args.put(postOpArgument(1), own(new memory(perChannel, OneDnn.engine(), shift)));
            } else {
                scale = shift = null;
                scaleValues = shiftValues = null;
            }
        }

        memory memoryOn(memory.desc desc, Pointer buffer) {
            return own(new memory(desc, OneDnn.engine(), buffer));
        }

        void bindSource(memory src) {
            args.put(DNNL_ARG_SRC, src);
        }

        void bindDestination(memory dst) {
            destination = dst;
            args.put(DNNL_ARG_DST, dst);
            if (training && step.batchNorm != null) {
                trainingBatchNorm(dst);
            }
        }

        /**
         * The BatchNorm of a training pass, in place on the convolution's output, as {@link OneDnnBatchNorm}
         * configures it (so the statistics are the twin's); a ReLU right after it is fused in.
         */
        private void trainingBatchNorm(memory data) {
            org.deeplearning4j.nn.conf.layers.BatchNormalization c =
                    (org.deeplearning4j.nn.conf.layers.BatchNormalization) step.batchNorm.conf().getLayer();
            int flags = normalization_flags.use_scale.value | normalization_flags.use_shift.value;
            if (step.relu && step.sumWith < 0) {
                flags |= normalization_flags.fuse_norm_relu.value;
            }
            batch_normalization_forward.primitive_desc pd = own(new batch_normalization_forward.primitive_desc(
                    new batch_normalization_forward.desc(prop_kind.forward_training.value, data.get_desc(),
                            (float) c.getEps(), flags), OneDnn.engine()));
            normalization = own(new batch_normalization_forward(pd));
            gamma = own(OneDnn.unbound(perChannelDesc()));
            beta = own(OneDnn.unbound(perChannelDesc()));
            batchMean = own(new memory(pd.mean_desc(), OneDnn.engine()));
            batchVariance = own(new memory(pd.variance_desc(), OneDnn.engine()));
            normalizationArgs.put(DNNL_ARG_SRC, data);
            normalizationArgs.put(DNNL_ARG_DST, data);
            normalizationArgs.put(DNNL_ARG_SCALE, gamma);
            normalizationArgs.put(DNNL_ARG_SHIFT, beta);
            normalizationArgs.put(DNNL_ARG_MEAN, batchMean);
            normalizationArgs.put(DNNL_ARG_VARIANCE, batchVariance);
            if (pd.workspace_desc().get_size() > 0) { // the fused ReLU's mask, which nothing reads here
                normalizationArgs.put(DNNL_ARG_WORKSPACE, own(new memory(pd.workspace_desc(), OneDnn.engine())));
            }
        }

        private memory.desc perChannelDesc() {
            return new memory.desc(new long[] {step.conf().getNOut()}, memory.data_type.f32, memory.format_tag.x);
        }

        /** The batch moments of this step's BatchNorm input in the last training pass. */
        FastForward.ChannelMoments batchMoments() {
            int channels = (int) step.conf().getNOut();
            FloatPointer m = new FloatPointer(batchMean.get_data_handle());
            FloatPointer v = new FloatPointer(batchVariance.get_data_handle());
            double[] mean = new double[channels];
            double[] var = new double[channels];
            for (int ch = 0; ch < channels; ch++) {
                mean[ch] = m.get(ch);
                var[ch] = v.get(ch);
            }
            return new FastForward.ChannelMoments(mean, var, samplesPerChannel);
        }

        /**
         * The residual add, out = relu?(convolution + shortcut), as a binary primitive after the convolution:
         * oneDNN's direct convolutions here run a sum post-op only before any other post-op, which would add
         * the shortcut before the BatchNorm.
         */
        void bindResidual(memory shortcut, memory out) {
            post_ops ops = own(new post_ops());
            if (step.relu) {
                ops.append_eltwise(1.0f, algorithm.eltwise_relu, 0f, 0f);
            }
            primitive_attr attr = own(new primitive_attr());
            attr.set_post_ops(ops);
            // the shortcut is the first operand: in place, oneDNN lets the output alias only that one
            binary.primitive_desc pd = own(new binary.primitive_desc(new binary.desc(algorithm.binary_add,
                    shortcut.get_desc(), destination.get_desc(), out.get_desc()), attr, OneDnn.engine()));
            residualAdd = own(new binary(pd));
            residualArgs.put(DNNL_ARG_SRC_0, shortcut);
            residualArgs.put(DNNL_ARG_SRC_1, destination);
            residualArgs.put(DNNL_ARG_DST, out);
        }

        void execute(stream s) {
            if (!loaded) {
                load(s);
                loaded = true;
            }
            primitive.execute(s, args);
            if (normalization != null) {
                normalization.execute(s, normalizationArgs);
            }
            if (residualAdd != null) {
                residualAdd.execute(s, residualArgs);
            }
        }

        /** Weights in the primitive's layout and the BatchNorm's scale and shift, as the parameters are now. */
        private void load(stream s) {
            INDArray w = DenseFloats.of(step.conv.getParam(ConvolutionParamInitializer.WEIGHT_KEY));
            weightsUser.set_data_handle(OneDnn.address(w));
            if (weightsReorder != null) {
                weightsReorder.execute(s, weightsUser, weights);
            }
            if (bias != null) {
                bias.set_data_handle(OneDnn.address(
                        DenseFloats.of(step.conv.getParam(ConvolutionParamInitializer.BIAS_KEY))));
            }
            if (normalization != null) { // γ and β read in place, as the twin's layer does
                gamma.set_data_handle(OneDnn.address(DenseFloats.of(
                        step.batchNorm.getParam(BatchNormalizationParamInitializer.GAMMA))));
                beta.set_data_handle(OneDnn.address(DenseFloats.of(
                        step.batchNorm.getParam(BatchNormalizationParamInitializer.BETA))));
            } else if (step.batchNorm != null) {
                DirectBatchNormLayer.inferenceAffine(step.batchNorm, scaleValues, shiftValues);
                scale.put(scaleValues);
                shift.put(shiftValues);
            }
        }
    }

    /** The argument number of binary post-op {@code index}'s second operand (oneDNN's macro, spelled out). */
    private static int postOpArgument(int index) {
        return DNNL_ARG_ATTR_MULTIPLE_POST_OP_BASE * (index + 1) | DNNL_ARG_SRC_1;
    }

    private static memory.desc any(long[] shape) {
        return new memory.desc(shape, memory.data_type.f32, memory.format_tag.any);
    }

    private static OneDnnConvolution.Geometry geometry(FusedChain.Step s, long[] in) {
        ConvolutionLayer c = s.conf();
        if (in[1] != c.getNIn()) {
            throw new IllegalArgumentException("Convolution '" + c.getLayerName() + "': expected " + c.getNIn()
                    + " input channels, got " + in[1]);
        }
        int[] k = c.getKernelSize();
        int[] st = c.getStride();
        int[] p = c.getPadding();
        int[] d = c.getDilation();
        return new OneDnnConvolution.Geometry(in[0], in[1], in[2], in[3], c.getNOut(), k[0], k[1], st[0], st[1],
                p[0], p[1], d[0], d[1], c.hasBias());
    }

    /** Activation buffers reused along the chain: one is taken for each output and given back after its last reader. */
    private static final class Buffers implements AutoCloseable {
        private final List<memory> all = new ArrayList<>();
        private final List<Pointer> free = new ArrayList<>();
        private final Map<Pointer, Long> sizes = new HashMap<>();

        Pointer take(long bytes) {
            Pointer best = null;
            for (Pointer p : free) {
                if (sizes.get(p) >= bytes && (best == null || sizes.get(p) < sizes.get(best))) {
                    best = p;
                }
            }
            if (best != null) {
                free.remove(best);
                return best;
            }
            memory m = new memory(new memory.desc(new long[] {bytes}, memory.data_type.u8, memory.format_tag.a),
                    OneDnn.engine());
            all.add(m);
            Pointer p = m.get_data_handle();
            sizes.put(p, bytes);
            return p;
        }

        void release(Pointer p) {
            if (!free.contains(p)) {
                free.add(p);
            }
        }

        @Override
        public void close() {
            all.forEach(memory::close);
            all.clear();
            free.clear();
        }
    }
}

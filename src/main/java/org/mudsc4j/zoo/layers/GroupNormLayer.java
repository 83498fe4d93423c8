package org.mudsc4j.zoo.layers;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.api.ops.impl.summarystats.Variance;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;
import org.mudsc4j.dl4j.DenseFloats;
import org.mudsc4j.dl4j.NormKernels;

/**
 * The computation of {@link GroupNorm}. In float32 (every zoo model, training and inference) it runs on the
 * hand-written {@link NormKernels}: two passes over memory each way, samples in parallel. In other precisions (the
 * double-precision gradient checks) it uses libnd4j ops: group normalisation of {@code [N, C, H, W]} is batch
 * normalisation of the same memory viewed as {@code [1, N·G, C/G·H, W]} (every (sample, group) pair a "channel"
 * with the biased variance over its C/G·H·W values), so {@code batchnorm} / {@code batchnorm_bp} do the
 * normalisation and only the per-channel affine is done here. The two paths are checked against each other
 * (OneDnnGradientTest) and against finite differences (LayerGradientTest).
 */
final class GroupNormLayer extends BaseLayer<GroupNorm> {
    /** x̂ = (x − μ)/σ of the last training forward pass, [N, C, H, W]; needed for dγ. */
    private INDArray xHat;
    /** Per (sample, group) mean and biased variance of the last training forward pass, [N·G]. */
    private INDArray groupMean;
    private INDArray groupVar;
    /** The same statistics (mean, 1/√(σ² + eps)) when the last training pass ran on the float kernels. */
    private double[] kernelMean;
    private double[] kernelInvStd;

    GroupNormLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public Type type() {
        return Type.NORMALIZATION;
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public void setParam(String key, INDArray val) {
        INDArray current = getParam(key);
        if (current == null || !java.util.Arrays.equals(current.shape(), val.shape())) {
            throw new IllegalArgumentException("GroupNorm '" + layerConf().getLayerName() + "': parameter " + key
                    + " must have shape " + (current == null ? "(no such parameter)"
                    : java.util.Arrays.toString(current.shape())) + ", got " + java.util.Arrays.toString(val.shape()));
        }
        current.assign(val);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        applyDropOutIfNecessary(training, workspaceMgr);
        INDArray x = input.castTo(dataType);
        long[] shape = checkShape(x);
        kernelMean = null;
        kernelInvStd = null;
        if (dataType == DataType.FLOAT) {
            INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, shape, 'c');
            int rows = (int) (shape[0] * layerConf().getGroups());
            double[] mean = new double[rows];
            double[] invStd = new double[rows];
            NormKernels.groupNormForward(DenseFloats.of(x), out, layerConf().getGroups(),
                    DenseFloats.read(getParam(GroupNorm.GAMMA)), DenseFloats.read(getParam(GroupNorm.BETA)),
                    layerConf().getEps(), mean, invStd);
            if (training) {
                kernelMean = mean;
                kernelInvStd = invStd;
            }
            return out;
        }
        INDArray x4 = asGroupChannels(x);
        long rows = x4.size(1);
        // Kept in the INPUT workspace (open until backprop ends in fit), as DL4J's BatchNorm keeps its x̂.
        ArrayType keep = training ? ArrayType.INPUT : ArrayType.FF_WORKING_MEM;
        INDArray mean = workspaceMgr.createUninitialized(keep, dataType, rows);
        INDArray var = workspaceMgr.createUninitialized(keep, dataType, rows);
        INDArray flat = x4.reshape(rows, x4.length() / rows);
        flat.mean(mean, 1);
        Nd4j.exec(new Variance(flat, var, false, 1));

        INDArray normed = workspaceMgr.createUninitialized(training ? ArrayType.INPUT : ArrayType.ACTIVATIONS,
                dataType, shape, 'c');
        Nd4j.exec(DynamicCustomOp.builder("batchnorm")
                .addInputs(x4, mean, var)
                .addOutputs(normed.reshape(x4.shape()))
                .addIntegerArguments(0, 0, 1) // no scale, no offset, channel axis 1
                .addFloatingPointArguments(layerConf().getEps())
                .build());

        INDArray out = training ? workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, shape, 'c') : normed;
        Nd4j.exec(new BroadcastMulOp(normed, vector(GroupNorm.GAMMA), out, 1));
        Nd4j.exec(new BroadcastAddOp(out, vector(GroupNorm.BETA), out, 1));
        if (training) {
            xHat = normed;
            groupMean = mean;
            groupVar = var;
        }
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (kernelMean != null) {
            return kernelBackprop(epsilon, workspaceMgr);
        }
        if (xHat == null) {
            throw new IllegalStateException("GroupNorm '" + layerConf().getLayerName()
                    + "': backprop without a training forward pass");
        }
        INDArray dy = Shape.hasDefaultStridesForShape(epsilon) ? epsilon.castTo(dataType) : epsilon.dup('c');
        long[] shape = dy.shape();
        INDArray dGamma = gradientViews.get(GroupNorm.GAMMA);
        INDArray dBeta = gradientViews.get(GroupNorm.BETA);
        dy.sum(dBeta.reshape(dBeta.length()), 0, 2, 3);

        INDArray work = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, dataType, shape, 'c');
        Nd4j.exec(new MulOp(dy, xHat, work));
        work.sum(dGamma.reshape(dGamma.length()), 0, 2, 3);
        // dL/dx̂ = γ·dy, then the normalisation's backward (through μ and σ²) by batchnorm_bp
        Nd4j.exec(new BroadcastMulOp(dy, vector(GroupNorm.GAMMA), work, 1));

        INDArray x4 = asGroupChannels(input.castTo(dataType));
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, shape, 'c');
        long rows = groupMean.length();
        INDArray[] scratch = new INDArray[4];
        for (int i = 0; i < scratch.length; i++) {
            scratch[i] = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, dataType, rows);
        }
        // Unit scale and zero offset: batchnorm_bp's oneDNN kernel crashes when they are left out.
        INDArray one = scratch[2].assign(1.0);
        INDArray zero = scratch[3].assign(0.0);
        INDArray dOne = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, dataType, rows);
        INDArray dZero = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, dataType, rows);
        Nd4j.exec(DynamicCustomOp.builder("batchnorm_bp")
                .addInputs(x4, groupMean, groupVar, one, zero, work.reshape(x4.shape()))
                .addOutputs(dx.reshape(x4.shape()), scratch[0], scratch[1], dOne, dZero)
                .addIntegerArguments(1, 1, 1)
                .addFloatingPointArguments(layerConf().getEps())
                .build());

        Gradient gradient = new DefaultGradient();
        gradient.setGradientFor(GroupNorm.GAMMA, dGamma);
        gradient.setGradientFor(GroupNorm.BETA, dBeta);
        xHat = null;
        groupMean = null;
        groupVar = null;
        return new Pair<>(gradient, dx);
    }

    private Pair<Gradient, INDArray> kernelBackprop(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        int channels = layerConf().getChannels();
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, input.shape(), 'c');
        double[] dGamma = new double[channels];
        double[] dBeta = new double[channels];
        NormKernels.groupNormBackward(DenseFloats.of(input), DenseFloats.of(epsilon), dx,
                layerConf().getGroups(), DenseFloats.read(getParam(GroupNorm.GAMMA)), kernelMean, kernelInvStd, dGamma,
                dBeta);
        Gradient gradient = new DefaultGradient();
        gradient.setGradientFor(GroupNorm.GAMMA, DenseFloats.write(dGamma, gradientViews.get(GroupNorm.GAMMA)));
        gradient.setGradientFor(GroupNorm.BETA, DenseFloats.write(dBeta, gradientViews.get(GroupNorm.BETA)));
        kernelMean = null;
        kernelInvStd = null;
        return new Pair<>(gradient, dx);
    }

    @Override
    public void clear() {
        super.clear();
        xHat = null;
        groupMean = null;
        groupVar = null;
        kernelMean = null;
        kernelInvStd = null;
    }

    /** {@code [N, C, H, W]} viewed (copied only when not c-contiguous) as {@code [1, N·G, C/G·H, W]}. */
    private INDArray asGroupChannels(INDArray x) {
        long g = layerConf().getGroups();
        return x.reshape('c', 1, x.size(0) * g, x.size(1) / g * x.size(2), x.size(3));
    }

    private long[] checkShape(INDArray x) {
        if (x.rank() != 4 || x.size(1) != layerConf().getChannels()) {
            throw new IllegalArgumentException("GroupNorm '" + layerConf().getLayerName() + "': expected NCHW input "
                    + "with " + layerConf().getChannels() + " channels, got shape " + java.util.Arrays.toString(x.shape()));
        }
        return x.shape();
    }

    private INDArray vector(String param) {
        INDArray p = getParam(param);
        return p.reshape(p.length()).castTo(dataType);
    }
}

package org.mudsc4j.dl4j;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's BatchNorm runtime layer with the float NCHW training and inference passes on {@link NormKernels} (about 4×
 * faster than DL4J's oneDNN helper path here). Same outputs, same gradients and the same running-statistics update as
 * DL4J's layer (batch mean and biased variance, decay, log10-std or variance storage). Double precision, other
 * layouts and locked γ/β take DL4J's path.
 *
 * <p>While {@link ActivationLayouts} keeps this layer's activations channel-blocked, the training pass runs on
 * oneDNN's BatchNorm ({@link OneDnnBatchNorm}) instead, inference runs on a blocked kernel, and anything else is
 * refused (DL4J's path would read the blocked layout as NCHW).
 */
public final class DirectBatchNormLayer extends BatchNormalization {
    /** 1 / (2·ln 10): log10 of a standard deviation from the natural log of a variance ratio. */
    private static final double ONE_ON_2LOGE_10 = 1.0 / (2.0 * Math.log(10.0));

    /** Statistics of the last training forward pass when it ran on the kernels; null otherwise. */
    private double[] batchMean;
    private double[] batchVar;
    private long batchSamples;
    /** Channel block of this layer's input and output ({@link ActivationLayouts}); 0: NCHW. */
    private int block;
    private OneDnnBatchNorm blockedPlan;

    public DirectBatchNormLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** Whether the configuration allows the hand-written and oneDNN training passes (float, NCHW, γ/β trained). */
    boolean directConfig() {
        org.deeplearning4j.nn.conf.layers.BatchNormalization c = layerConf();
        return dataType == DataType.FLOAT && c.getCnn2DFormat() == CNN2DFormat.NCHW && !c.isLockGammaBeta()
                && c.getIDropout() == null;
    }

    private boolean kernelEligible(INDArray x, TrainingMode mode) {
        return mode == TrainingMode.TRAIN && x.rank() == 4 && directConfig();
    }

    /** Sets the channel block of this layer's activations (0: NCHW); see {@link ActivationLayouts}. */
    void activationBlock(int block) {
        if (block != this.block) {
            this.block = block;
            blockedPlan = null;
        }
    }

    @Override
    public INDArray preOutput(INDArray x, TrainingMode training, LayerWorkspaceMgr workspaceMgr) {
        batchMean = null;
        batchVar = null;
        if (training == TrainingMode.TEST && x.rank() == 4 && directConfig()
                && x.size(1) == layerConf().getNOut()) {
            return inference(x, workspaceMgr);
        }
        if (!kernelEligible(x, training)) {
            if (block > 0) {
                throw new IllegalStateException("BatchNorm '" + layerConf().getLayerName() + "' holds channel-blocked "
                        + "activations, which only its direct training and inference passes read; close the "
                        + "ActivationLayouts first (got "
                        + training + " on input " + java.util.Arrays.toString(x.shape()) + ")");
            }
            return super.preOutput(x, training, workspaceMgr);
        }
        long channels = x.size(1);
        if (channels != layerConf().getNOut()) {
            throw new IllegalArgumentException("BatchNorm '" + layerConf().getLayerName() + "': expected "
                    + layerConf().getNOut() + " channels, got input of shape " + java.util.Arrays.toString(x.shape()));
        }
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, x.shape(), 'c');
        double[] mean = new double[(int) channels];
        double[] var = new double[(int) channels];
        if (block > 0) {
            blockedPlan(x).forward(DenseFloats.of(x), DenseFloats.of(getParam(BatchNormalizationParamInitializer.GAMMA)),
                    DenseFloats.of(getParam(BatchNormalizationParamInitializer.BETA)), out, mean, var);
        } else {
            NormKernels.batchNormForward(DenseFloats.of(x), out, floats(BatchNormalizationParamInitializer.GAMMA),
                    floats(BatchNormalizationParamInitializer.BETA), layerConf().getEps(), mean, var);
        }
        batchMean = mean;
        batchVar = var;
        batchSamples = x.length() / channels;
        return out;
    }

    /**
     * Inference with the running statistics as one per-channel affine map, exactly as DL4J computes it:
     * y = γ·(x − μ)/√(var + eps) + β, where var = (10^log10std)² under log-std storage. That storage already holds
     * var + eps, so DL4J counts eps twice in inference (PyTorch once); kept, so that both paths give the same
     * numbers (README, deviations).
     */
    private INDArray inference(INDArray x, LayerWorkspaceMgr workspaceMgr) {
        float[] scale = new float[(int) layerConf().getNOut()];
        float[] shift = new float[scale.length];
        inferenceAffine(this, scale, shift);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, x.shape(), 'c');
        if (block > 0) {
            NormKernels.channelAffineBlocked(DenseFloats.of(x), out, scale, shift, block);
        } else {
            NormKernels.channelAffine(DenseFloats.of(x), out, scale, shift);
        }
        return out;
    }

    /**
     * The per-channel scale and shift of a BatchNorm layer's inference (this class's or DL4J's, same parameters):
     * y = scale·x + shift with scale = γ/√(var + eps) in double, rounded to float, and shift = β − μ·scale.
     */
    static void inferenceAffine(org.deeplearning4j.nn.api.Layer layer, float[] scale, float[] shift) {
        org.deeplearning4j.nn.conf.layers.BatchNormalization c =
                (org.deeplearning4j.nn.conf.layers.BatchNormalization) layer.conf().getLayer();
        float[] gamma = DenseFloats.read(layer.getParam(BatchNormalizationParamInitializer.GAMMA));
        float[] beta = DenseFloats.read(layer.getParam(BatchNormalizationParamInitializer.BETA));
        float[] mean = DenseFloats.read(layer.getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN));
        float[] stat = DenseFloats.read(layer.getParam(c.isUseLogStd() ? BatchNormalizationParamInitializer.GLOBAL_LOG_STD
                : BatchNormalizationParamInitializer.GLOBAL_VAR));
        for (int ch = 0; ch < gamma.length; ch++) {
            double var = c.isUseLogStd() ? Math.pow(10.0, 2.0 * stat[ch]) : stat[ch];
            double std = Math.sqrt(var + c.getEps());
            double s = gamma[ch] / std;
            scale[ch] = (float) s;
            shift[ch] = (float) (beta[ch] - mean[ch] * s);
        }
    }

    /**
     * Channel mean, biased variance and values per channel of this layer's input in the last training forward pass,
     * when it ran on the kernels or oneDNN; null otherwise (BatchNorm re-estimation needs nothing else of the pass).
     */
    FastForward.ChannelMoments lastBatchMoments() {
        return batchMean == null ? null : new FastForward.ChannelMoments(batchMean.clone(), batchVar.clone(), batchSamples);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (batchMean == null) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        assertInputSet(true);
        org.deeplearning4j.nn.conf.layers.BatchNormalization c = layerConf();
        int channels = batchMean.length;
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, input.shape(), 'c');
        INDArray gammaGrad;
        INDArray betaGrad;
        if (block > 0) {
            gammaGrad = gradientViews.get(BatchNormalizationParamInitializer.GAMMA);
            betaGrad = gradientViews.get(BatchNormalizationParamInitializer.BETA);
            INDArray dg = DenseFloats.of(gammaGrad);
            INDArray db = DenseFloats.of(betaGrad);
            blockedPlan(input).backward(DenseFloats.of(input), DenseFloats.of(epsilon),
                    DenseFloats.of(getParam(BatchNormalizationParamInitializer.GAMMA)),
                    DenseFloats.of(getParam(BatchNormalizationParamInitializer.BETA)), dx, dg, db);
            if (dg != gammaGrad) {
                gammaGrad.assign(dg);
            }
            if (db != betaGrad) {
                betaGrad.assign(db);
            }
        } else {
            double[] dGamma = new double[channels];
            double[] dBeta = new double[channels];
            NormKernels.batchNormBackward(DenseFloats.of(input), DenseFloats.of(epsilon), dx,
                    floats(BatchNormalizationParamInitializer.GAMMA), c.getEps(), batchMean, batchVar, dGamma, dBeta);
            gammaGrad = write(BatchNormalizationParamInitializer.GAMMA, dGamma);
            betaGrad = write(BatchNormalizationParamInitializer.BETA, dBeta);
        }

        // Running statistics as DL4J updates them: a "gradient" that the NoOp updater subtracts from the parameter.
        double decay = c.getDecay();
        double[] globalMean = doubles(BatchNormalizationParamInitializer.GLOBAL_MEAN);
        double[] dMean = new double[channels];
        double[] dStat = new double[channels];
        String statKey = c.isUseLogStd() ? BatchNormalizationParamInitializer.GLOBAL_LOG_STD
                : BatchNormalizationParamInitializer.GLOBAL_VAR;
        double[] stat = doubles(statKey);
        for (int ch = 0; ch < channels; ch++) {
            dMean[ch] = (1 - decay) * (globalMean[ch] - batchMean[ch]);
            if (c.isUseLogStd()) {
                double std = Math.pow(10.0, stat[ch]);
                double varNow = std * std;
                double varNext = decay * varNow + (1 - decay) * batchVar[ch];
                dStat[ch] = Math.log(varNow / varNext) * ONE_ON_2LOGE_10;
            } else {
                dStat[ch] = (1 - decay) * (stat[ch] - batchVar[ch]);
            }
        }
        Gradient g = new DefaultGradient();
        g.setGradientFor(BatchNormalizationParamInitializer.GAMMA, gammaGrad);
        g.setGradientFor(BatchNormalizationParamInitializer.BETA, betaGrad);
        g.setGradientFor(BatchNormalizationParamInitializer.GLOBAL_MEAN,
                write(BatchNormalizationParamInitializer.GLOBAL_MEAN, dMean));
        g.setGradientFor(statKey, write(statKey, dStat));
        batchMean = null;
        batchVar = null;
        return new Pair<>(g, dx);
    }

    @Override
    public double calcRegularizationScore(boolean backpropParamsOnly) {
        double score = L2Score.of(this);
        return Double.isNaN(score) ? super.calcRegularizationScore(backpropParamsOnly) : score;
    }

    /** The oneDNN plan for blocked activations of {@code x}'s shape (rebuilt when the batch size changes). */
    private OneDnnBatchNorm blockedPlan(INDArray x) {
        if (blockedPlan == null || !blockedPlan.fits(x.shape())) {
            blockedPlan = new OneDnnBatchNorm(x.shape(), block, layerConf().getEps());
        }
        return blockedPlan;
    }

    private float[] floats(String param) {
        return DenseFloats.read(getParam(param));
    }

    private double[] doubles(String param) {
        float[] f = floats(param);
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    /** Writes {@code values} into the gradient view of {@code param} and returns the view. */
    private INDArray write(String param, double[] values) {
        return DenseFloats.write(values, gradientViews.get(param));
    }
}

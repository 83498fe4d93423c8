package org.mudsc4j.train;

import org.nd4j.common.primitives.Pair;
import org.mudsc4j.dl4j.DenseFloats;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.shade.jackson.annotation.JsonIgnore;
import org.nd4j.shade.jackson.annotation.JsonProperty;

import java.util.Arrays;

/**
 * The reference's "CLIP head" loss (ALGORITHM.md §1.1) as a DL4J loss function: the network output
 * {@code e} (the activation of the {@code loss} layer's input, normally identity) is L2-normalised, scored
 * against the task's frozen class embeddings {@code T} ({@code K × d}, unit rows, split order) with logits
 * {@code z = s · (e/‖e‖) · Tᵀ}, and the loss is softmax cross-entropy with the (one-hot) labels.
 *
 * <p>Like DL4J's own losses (e.g. {@code LossMCXENT}), {@link #computeGradient} returns the per-example
 * gradient, <em>not</em> divided by the minibatch size: DL4J's updater divides by the minibatch itself.
 * Masks: only per-example masks ({@code [B]} or {@code [B,1]}) are supported.
 *
 * <p>Serialised by DL4J's (shaded) Jackson mapper through its fields: the embedding matrix is stored as a
 * flat row-major float array plus its shape, so a saved network carries its own head.
 */
public final class CosineHeadLoss implements ILossFunction {
    /** The reference's logit scale (CLIP's learned temperature, frozen at 100). */
    public static final double DEFAULT_SCALE = 100.0;
    /** Floor on ‖e‖ so an all-zero embedding gives zero logits instead of NaN. */
    private static final double NORM_FLOOR = 1e-12;
    private static final long serialVersionUID = 1L;

    @JsonProperty("scale")
    private double scale;
    @JsonProperty("numClasses")
    private int numClasses;
    @JsonProperty("dim")
    private int dim;
    @JsonProperty("classEmbeddings")
    private float[] classEmbeddings;

    @JsonIgnore
    private transient volatile INDArray cachedTable;

    /** For JSON deserialisation only. */
    public CosineHeadLoss() {
    }

    /**
     * @param rowMajor   {@code numClasses × dim} embedding matrix, row-major, rows of unit length
     * @param numClasses K, the number of classes of the task
     * @param dim        d, the embedding width (must equal the network's output width)
     * @param scale      logit scale s
     */
    public CosineHeadLoss(float[] rowMajor, int numClasses, int dim, double scale) {
        if (numClasses <= 0 || dim <= 0) {
            throw new IllegalArgumentException("numClasses and dim must be positive, got " + numClasses + " and "
                    + dim);
        }
        if (rowMajor.length != (long) numClasses * dim) {
            throw new IllegalArgumentException("Embedding array has " + rowMajor.length + " values, expected "
                    + numClasses + " x " + dim);
        }
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("Logit scale must be positive and finite, got " + scale);
        }
        for (int c = 0; c < numClasses; c++) {
            double sq = 0;
            for (int j = 0; j < dim; j++) {
                double v = rowMajor[c * dim + j];
                sq += v * v;
            }
            if (Math.abs(Math.sqrt(sq) - 1.0) > 1e-3) {
                throw new IllegalArgumentException("Class embedding row " + c + " has norm " + Math.sqrt(sq)
                        + "; the head needs unit rows (normalise them, e.g. via ClassEmbeddings)");
            }
        }
        this.classEmbeddings = rowMajor.clone();
        this.numClasses = numClasses;
        this.dim = dim;
        this.scale = scale;
    }

    /** The head for one task: the rows of {@code taskClasses} (global ids, split order) with logit scale s. */
    public static CosineHeadLoss forTask(ClassEmbeddings embeddings, int[] taskClasses, double scale) {
        return new CosineHeadLoss(embeddings.rowsFlat(taskClasses), taskClasses.length, embeddings.dim(), scale);
    }

    public double scale() {
        return scale;
    }

    public int numClasses() {
        return numClasses;
    }

    public int dim() {
        return dim;
    }

    /** The class-embedding matrix {@code [K, d]} as a new float array. */
    public INDArray classEmbeddingMatrix() {
        return Nd4j.create(classEmbeddings.clone(), new long[]{numClasses, dim}, DataType.FLOAT);
    }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
                               boolean average) {
        INDArray perExample = computeScoreArray(labels, preOutput, activationFn, mask);
        double score = perExample.sumNumber().doubleValue();
        return average ? score / perExample.size(0) : score;
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        if (activationFn instanceof ActivationIdentity) {
            INDArray scores = direct(labels, preOutput).scores();
            applyMask(scores, mask, scores.size(0));
            return scores;
        }
        Forward f = forward(labels, preOutput, activationFn);
        INDArray scores = f.logProbs.mul(f.labels).sum(true, 1).negi(); // [B,1]: -Σ_k y_k log p_k
        applyMask(scores, mask, f.batch);
        return scores;
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        if (activationFn instanceof ActivationIdentity) {
            INDArray grad = direct(labels, preOutput).gradient();
            applyMask(grad, mask, grad.size(0));
            return grad;
        }
        Forward f = forward(labels, preOutput, activationFn);
        return gradient(f, preOutput, activationFn, mask);
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput,
                                                          IActivation activationFn, INDArray mask,
                                                          boolean average) {
        if (activationFn instanceof ActivationIdentity) {
            Direct d = direct(labels, preOutput);
            INDArray scores = d.scores();
            INDArray grad = d.gradient();
            applyMask(scores, mask, scores.size(0));
            applyMask(grad, mask, grad.size(0));
            double score = scores.sumNumber().doubleValue();
            return new Pair<>(average ? score / scores.size(0) : score, grad);
        }
        Forward f = forward(labels, preOutput, activationFn);
        INDArray scores = f.logProbs.mul(f.labels).sum(true, 1).negi();
        applyMask(scores, mask, f.batch);
        double score = scores.sumNumber().doubleValue();
        if (average) {
            score /= f.batch;
        }
        return new Pair<>(score, gradient(f, preOutput, activationFn, mask));
    }

    @Override
    public String name() {
        return toString();
    }

    /** Everything the score and the gradient share. */
    private record Forward(long batch, INDArray labels, INDArray table, INDArray unit, INDArray norms,
                           INDArray logProbs) {
    }

    /** Per-example scores {@code [B,1]} and the gradient {@code [B,d]} (not divided by B), in the output's type. */
    private record Direct(INDArray scores, INDArray gradient) {
    }

    /**
     * The loss and its gradient for an identity activation, in plain Java loops (double arithmetic): the same
     * formulas as {@link #forward}/{@link #gradient}. Why: DL4J asks for the score and the gradient separately on
     * every step, and the ND4J version runs ~25 small native ops for each, ~8 ms of a ResNet-20 ×1 step, for
     * a {@code [B,d]·[d,K]} problem that takes well under a millisecond in Java.
     */
    private Direct direct(INDArray labels, INDArray preOutput) {
        checkShapes(labels, preOutput);
        int batch = (int) preOutput.size(0);
        double[] a = rowMajor(preOutput);
        double[] y = rowMajor(labels);
        double[] scores = new double[batch];
        double[] grad = new double[batch * dim];
        double[] unit = new double[dim];
        double[] logits = new double[numClasses];
        double[] dUnit = new double[dim];
        for (int b = 0; b < batch; b++) {
            int row = b * dim;
            double sq = 0;
            for (int j = 0; j < dim; j++) {
                sq += a[row + j] * a[row + j];
            }
            double norm = Math.max(Math.sqrt(sq), NORM_FLOOR);
            for (int j = 0; j < dim; j++) {
                unit[j] = a[row + j] / norm;
            }
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < numClasses; k++) {
                double z = 0;
                for (int j = 0; j < dim; j++) {
                    z += unit[j] * classEmbeddings[k * dim + j];
                }
                logits[k] = z * scale;
                max = Math.max(max, logits[k]);
            }
            double sumExp = 0;
            for (int k = 0; k < numClasses; k++) {
                sumExp += Math.exp(logits[k] - max);
            }
            double logSumExp = Math.log(sumExp);
            double score = 0;
            double labelSum = 0;
            for (int k = 0; k < numClasses; k++) {
                logits[k] = logits[k] - max - logSumExp; // now log-probabilities
                score -= y[b * numClasses + k] * logits[k];
                labelSum += y[b * numClasses + k];
            }
            scores[b] = score;
            // dL/dz = p·Σy − y;  dL/dn = s·(dL/dz)·T;  dL/da = (dL/dn − n·(n·dL/dn)) / ‖a‖
            java.util.Arrays.fill(dUnit, 0);
            for (int k = 0; k < numClasses; k++) {
                double dz = (Math.exp(logits[k]) * labelSum - y[b * numClasses + k]) * scale;
                for (int j = 0; j < dim; j++) {
                    dUnit[j] += dz * classEmbeddings[k * dim + j];
                }
            }
            double radial = 0;
            for (int j = 0; j < dim; j++) {
                radial += unit[j] * dUnit[j];
            }
            for (int j = 0; j < dim; j++) {
                grad[row + j] = (dUnit[j] - unit[j] * radial) / norm;
            }
        }
        DataType type = preOutput.dataType();
        return new Direct(Nd4j.create(scores, new long[] {batch, 1}, type),
                Nd4j.create(grad, new long[] {batch, dim}, type));
    }

    /** The elements of a 2-d array in row-major order, as doubles. */
    private static double[] rowMajor(INDArray x) {
        if (DenseFloats.isDense(x)) {
            java.nio.FloatBuffer b = DenseFloats.buffer(x);
            double[] out = new double[(int) x.length()];
            for (int i = 0; i < out.length; i++) {
                out[i] = b.get(i);
            }
            return out;
        }
        return x.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    }

    private void checkShapes(INDArray labels, INDArray preOutput) {
        if (classEmbeddings == null) {
            throw new IllegalStateException("CosineHeadLoss has no class embeddings (was it deserialised from an "
                    + "incomplete configuration?)");
        }
        if (preOutput.rank() != 2 || preOutput.size(1) != dim) {
            throw new IllegalArgumentException("CosineHeadLoss expects network output [batch, " + dim + "], got "
                    + Arrays.toString(preOutput.shape()));
        }
        long batch = preOutput.size(0);
        if (labels.rank() != 2 || labels.size(0) != batch || labels.size(1) != numClasses) {
            throw new IllegalArgumentException("CosineHeadLoss expects labels [" + batch + ", " + numClasses
                    + "] (task-local one-hot), got " + Arrays.toString(labels.shape()));
        }
    }

    private Forward forward(INDArray labels, INDArray preOutput, IActivation activationFn) {
        checkShapes(labels, preOutput);
        long batch = preOutput.size(0);
        DataType type = preOutput.dataType();
        INDArray y = labels.castTo(type);
        INDArray a = activationFn.getActivation(preOutput.dup(), true);
        INDArray norms = Transforms.max(a.norm2(true, 1), NORM_FLOOR, false); // [B,1]
        INDArray unit = a.divColumnVector(norms);
        INDArray table = table(type);
        INDArray logits = unit.mmul(table.transpose()).muli(scale); // [B,K]
        // Stable log-softmax: subtract the row max before exponentiating.
        INDArray shifted = logits.subColumnVector(logits.max(true, 1));
        INDArray logSumExp = Transforms.log(Transforms.exp(shifted, true).sum(true, 1), false);
        INDArray logProbs = shifted.subiColumnVector(logSumExp);
        return new Forward(batch, y, table, unit, norms, logProbs);
    }

    private INDArray gradient(Forward f, INDArray preOutput, IActivation activationFn, INDArray mask) {
        // dL/dz = p·Σy − y (= p − y for one-hot labels)
        INDArray dLogits = Transforms.exp(f.logProbs, true).muliColumnVector(f.labels.sum(true, 1)).subi(f.labels);
        // z = s·n·Tᵀ  →  dL/dn = s·(dL/dz)·T
        INDArray dUnit = dLogits.mmul(f.table).muli(scale);
        // n = a/‖a‖  →  dL/da = (dL/dn − n·(n·dL/dn)) / ‖a‖
        INDArray radial = f.unit.mul(dUnit).sum(true, 1);
        INDArray dActivation = dUnit.subi(f.unit.mulColumnVector(radial)).diviColumnVector(f.norms);
        INDArray grad = activationFn.backprop(preOutput.dup(), dActivation).getFirst();
        applyMask(grad, mask, f.batch);
        return grad;
    }

    private static void applyMask(INDArray perExampleRows, INDArray mask, long batch) {
        if (mask == null) {
            return;
        }
        boolean perExample = mask.length() == batch
                && (mask.rank() == 1 || (mask.rank() == 2 && mask.size(0) == batch && mask.size(1) == 1));
        if (!perExample) {
            throw new UnsupportedOperationException("CosineHeadLoss supports only per-example masks of shape ["
                    + batch + "] or [" + batch + ", 1]; got " + Arrays.toString(mask.shape())
                    + " (per-output masking has no meaning for a softmax over classes)");
        }
        perExampleRows.muliColumnVector(mask.reshape(batch, 1).castTo(perExampleRows.dataType()));
    }

    private INDArray table(DataType type) {
        INDArray t = cachedTable;
        if (t == null || t.dataType() != type) {
            // Built lazily: the float array is the serialised form; the ND4J copy is per process and dtype. It
            // is created outside any workspace, since DL4J calls the loss inside workspaces that are recycled
            // every iteration, and a cached array allocated there would become invalid.
            try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                t = Nd4j.create(classEmbeddings, new long[]{numClasses, dim}, DataType.FLOAT).castTo(type);
            }
            cachedTable = t;
        }
        return t;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof CosineHeadLoss other)) {
            return false;
        }
        return Double.compare(scale, other.scale) == 0 && numClasses == other.numClasses && dim == other.dim
                && Arrays.equals(classEmbeddings, other.classEmbeddings);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * Double.hashCode(scale) + numClasses) + dim) + Arrays.hashCode(classEmbeddings);
    }

    @Override
    public String toString() {
        return "CosineHeadLoss(K=" + numClasses + ", d=" + dim + ", scale=" + scale + ")";
    }
}

package org.mudsc4j.train;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
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
        Forward f = forward(labels, preOutput, activationFn);
        INDArray scores = f.logProbs.mul(f.labels).sum(true, 1).negi(); // [B,1]: -Σ_k y_k log p_k
        applyMask(scores, mask, f.batch);
        return scores;
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        Forward f = forward(labels, preOutput, activationFn);
        return gradient(f, preOutput, activationFn, mask);
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput,
                                                          IActivation activationFn, INDArray mask,
                                                          boolean average) {
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

    private Forward forward(INDArray labels, INDArray preOutput, IActivation activationFn) {
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

package org.mudsc4j.eval;

import org.mudsc4j.train.ClassEmbeddings;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * Classifies network embeddings by cosine similarity to class embeddings (the "CLIP head" at test time).
 * Only the argmax matters, so no temperature is applied. Computed in float (the reference uses fp16, so
 * near-ties may resolve differently); ties go to the first class in the given order, like {@code torch.argmax}.
 */
public final class EmbeddingClassifier {
    private final ClassEmbeddings embeddings;

    public EmbeddingClassifier(ClassEmbeddings embeddings) {
        this.embeddings = embeddings;
    }

    public ClassEmbeddings embeddings() {
        return embeddings;
    }

    /**
     * Cosine similarities {@code [B, K]} between each embedding row and each listed class (in list order).
     * An all-zero embedding has similarity 0 to every class.
     */
    public float[][] similarities(INDArray embeddingsBatch, int[] classes) {
        if (embeddingsBatch.rank() != 2 || embeddingsBatch.size(1) != embeddings.dim()) {
            throw new IllegalArgumentException("Expected embeddings [batch, " + embeddings.dim() + "], got "
                    + Arrays.toString(embeddingsBatch.shape()));
        }
        INDArray e = embeddingsBatch.castTo(DataType.FLOAT);
        INDArray norms = e.norm2(true, 1);
        INDArray safe = norms.add(norms.eq(0).castTo(DataType.FLOAT)); // 0 → 1: zero rows stay zero
        INDArray unit = e.divColumnVector(safe);
        INDArray table = embeddings.rows(classes);
        return rowsOf(unit.mmul(table.transpose()));
    }

    /**
     * The rows of a {@code [B, K]} matrix as Java arrays, through one bulk copy: ND4J's {@code toFloatMatrix()} makes
     * a view per row and took 15–30 ms for a 500 × 10 table, more than the matrix product itself.
     */
    private static float[][] rowsOf(INDArray m) {
        int rows = (int) m.size(0);
        int cols = (int) m.size(1);
        float[] flat = m.dup('c').data().asFloat();
        float[][] out = new float[rows][cols];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(flat, i * cols, out[i], 0, cols);
        }
        return out;
    }

    /**
     * For each embedding, the global id of the most similar class among {@code classes}. With one task's
     * classes this is the task-aware prediction; with the union of all tasks' classes it is the Joint one.
     */
    public int[] predict(INDArray embeddingsBatch, int[] classes) {
        float[][] sims = similarities(embeddingsBatch, classes);
        int[] out = new int[sims.length];
        for (int i = 0; i < sims.length; i++) {
            out[i] = classes[argmax(sims[i])];
        }
        return out;
    }

    /** For each embedding, the position (task-local label) of the most similar class in {@code classes}. */
    public int[] predictLocal(INDArray embeddingsBatch, int[] classes) {
        float[][] sims = similarities(embeddingsBatch, classes);
        int[] out = new int[sims.length];
        for (int i = 0; i < sims.length; i++) {
            out[i] = argmax(sims[i]);
        }
        return out;
    }

    /** Index of the first maximum. */
    static int argmax(float[] values) {
        int best = 0;
        for (int k = 1; k < values.length; k++) {
            if (values[k] > values[best]) {
                best = k;
            }
        }
        return best;
    }
}

package org.mudsc4j.merge.groups;

import java.util.Objects;

/**
 * One slice of one axis of one DL4J parameter that a unit group acts on (an entry of the reference's permutation
 * spec, ALGORITHM §5.1), expressed in DL4J's layout.
 *
 * <p>The slice is {@code [offset, offset + width)} of axis {@code axis} of the parameter {@code vertex_param}, where
 * width is the owning group's width. Offsets are non-zero only for fused tensors (the ViT's {@code attn.qkv}, whose
 * q, k and v outputs are column blocks of one weight).
 *
 * @param vertex     graph vertex that owns the parameter, e.g. {@code layer2.0.conv1}
 * @param param      DL4J parameter name inside that vertex, e.g. {@code W}, {@code b}, {@code gamma}
 * @param axis       axis of the DL4J array that carries the units (conv W output = 0, dense W output = 1, …)
 * @param offset     first unit of the slice on that axis
 * @param side       whether the axis produces the group's units or consumes them
 * @param kind       how the stored values relate to the reference's tensor (e.g. BatchNorm's log10 std)
 */
public record ParamAxis(String vertex, String param, int axis, int offset, Side side, ParamKind kind) {

    public ParamAxis {
        Objects.requireNonNull(vertex, "vertex");
        Objects.requireNonNull(param, "param");
        Objects.requireNonNull(side, "side");
        Objects.requireNonNull(kind, "kind");
        if (axis < 0 || offset < 0) {
            throw new IllegalArgumentException("axis and offset must be >= 0, got " + axis + ", " + offset);
        }
    }

    /** DL4J's parameter key, {@code <vertex>_<param>}. */
    public String key() {
        return vertex + "_" + param;
    }

    /** Entries the reference marks {@code "ignore"} (BatchNorm running statistics) stay out of the weight vectors. */
    public boolean inWeightVector() {
        return kind.inWeightVector();
    }

    /** Which side of the group an axis is on (ALGORITHM §5.1: axis 0 / 2 = output side, {@code "in"} = input side). */
    public enum Side {
        /** The axis produces the group's units (rows of a conv/linear, biases, norm parameters, cls/pos embeddings). */
        OUTPUT,
        /** The axis consumes the group's units (input columns of the next conv/linear). */
        INPUT
    }

    /** How a stored parameter maps to the quantity the reference transforms linearly. */
    public enum ParamKind {
        /** Transformed as stored. */
        PLAIN(true),
        /** BatchNorm running mean: transformed as stored, excluded from weight vectors. */
        RUNNING_MEAN(false),
        /** BatchNorm running variance stored as such ({@code useLogStd = false}): linear, excluded from weight vectors. */
        RUNNING_VARIANCE(false),
        /**
         * BatchNorm running std stored by DL4J as {@code log10(sqrt(var + eps))}: converted to the variance before the
         * linear transform and back afterwards, excluded from weight vectors.
         */
        RUNNING_LOG10_STD(false);

        private final boolean inWeightVector;

        ParamKind(boolean inWeightVector) {
            this.inWeightVector = inWeightVector;
        }

        public boolean inWeightVector() {
            return inWeightVector;
        }
    }
}

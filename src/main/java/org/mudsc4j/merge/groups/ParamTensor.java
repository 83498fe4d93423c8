package org.mudsc4j.merge.groups;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A parameter as a plain double-precision C-order array, detached from DL4J. Axis transforms and unit-row extraction
 * run here in one pass of stride arithmetic, which is far cheaper than thousands of small ND4J view operations.
 * Immutable: every operation returns a new tensor.
 */
public final class ParamTensor {
    private final double[] data;
    private final long[] shape;

    public ParamTensor(double[] data, long[] shape) {
        long size = 1;
        for (long s : shape) {
            size *= s;
        }
        if (size != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + size + " values, got "
                    + data.length);
        }
        this.data = data;
        this.shape = shape.clone();
    }

    public static ParamTensor of(INDArray array) {
        INDArray c = array.dup('c');
        return new ParamTensor(c.castTo(DataType.DOUBLE).data().asDouble(), c.shape());
    }

    /** Copy into a new ND4J array of the given type and this shape (C order). */
    public INDArray toINDArray(DataType type) {
        return Nd4j.create(data.clone(), shape.clone(), DataType.DOUBLE).castTo(type);
    }

    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int size(int axis) {
        return Math.toIntExact(shape[axis]);
    }

    /** Read-only view of the values; callers must not modify it. */
    public double[] values() {
        return data;
    }

    /** Element-wise function of this tensor. */
    public ParamTensor map(java.util.function.DoubleUnaryOperator f) {
        double[] out = new double[data.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = f.applyAsDouble(data[i]);
        }
        return new ParamTensor(out, shape);
    }

    /** {@code this + other} (same shape). */
    public ParamTensor plus(ParamTensor other) {
        checkSameShape(other);
        double[] out = data.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] += other.data[i];
        }
        return new ParamTensor(out, shape);
    }

    /** {@code factor · this}. */
    public ParamTensor times(double factor) {
        return map(v -> v * factor);
    }

    /**
     * Applies {@code map} to the unit slice {@code [offset, offset + map.inWidth())} of {@code axis}: slice position
     * {@code offset + j} of the result is {@code Σ_{k: column[k] = j} weight[k] · this[offset + k]}. Entries outside the
     * slice are copied. The map must keep the width ({@code outWidth == inWidth}), as every MuDSC merge does (n' = n).
     */
    public ParamTensor mapAxis(int axis, int offset, AxisMap map) {
        int n = map.inWidth();
        if (map.outWidth() != n) {
            throw new IllegalArgumentException("axis maps must keep the width, got " + n + " -> " + map.outWidth());
        }
        checkSlice(axis, offset, n);
        int outer = outer(axis);
        int axisLen = size(axis);
        int inner = inner(axis);
        double[] out = data.clone();
        for (int o = 0; o < outer; o++) {
            int base = o * axisLen * inner;
            int sliceBase = base + offset * inner;
            Arrays.fill(out, sliceBase, sliceBase + n * inner, 0.0);
            for (int k = 0; k < n; k++) {
                double w = map.weight(k);
                int src = sliceBase + k * inner;
                int dst = sliceBase + map.column(k) * inner;
                for (int i = 0; i < inner; i++) {
                    out[dst + i] += w * data[src + i];
                }
            }
        }
        return new ParamTensor(out, shape);
    }

    /**
     * The unit slice {@code [offset, offset + width)} of {@code axis} moved to the front and the rest flattened
     * (ALGORITHM §5.2 step 3): row-major {@code width × (size / axisLength)}. The order of a row's entries is this
     * tensor's C order with the axis removed; a Pearson correlation does not depend on it as long as every model uses
     * the same order.
     */
    public double[] unitRows(int axis, int offset, int width) {
        checkSlice(axis, offset, width);
        int outer = outer(axis);
        int axisLen = size(axis);
        int inner = inner(axis);
        int rowLen = outer * inner;
        double[] rows = new double[width * rowLen];
        for (int k = 0; k < width; k++) {
            for (int o = 0; o < outer; o++) {
                System.arraycopy(data, (o * axisLen + offset + k) * inner, rows, k * rowLen + o * inner, inner);
            }
        }
        return rows;
    }

    /** Entries per unit of {@code axis}: the length of one row of {@link #unitRows}. */
    public int rowLength(int axis) {
        return outer(axis) * inner(axis);
    }

    private int outer(int axis) {
        int p = 1;
        for (int i = 0; i < axis; i++) {
            p = Math.multiplyExact(p, size(i));
        }
        return p;
    }

    private int inner(int axis) {
        int p = 1;
        for (int i = axis + 1; i < shape.length; i++) {
            p = Math.multiplyExact(p, size(i));
        }
        return p;
    }

    private void checkSlice(int axis, int offset, int width) {
        if (axis < 0 || axis >= shape.length) {
            throw new IllegalArgumentException("axis " + axis + " outside a rank-" + shape.length + " tensor");
        }
        if (offset < 0 || width < 0 || offset + width > shape[axis]) {
            throw new IllegalArgumentException("unit slice [" + offset + ", " + (offset + width) + ") outside axis "
                    + axis + " of length " + shape[axis]);
        }
    }

    private void checkSameShape(ParamTensor other) {
        if (!Arrays.equals(shape, other.shape)) {
            throw new IllegalArgumentException("shapes differ: " + Arrays.toString(shape) + " vs "
                    + Arrays.toString(other.shape));
        }
    }
}

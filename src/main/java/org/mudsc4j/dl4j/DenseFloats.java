package org.mudsc4j.dl4j;

import java.nio.FloatBuffer;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Direct access to ND4J arrays whose elements lie densely in row-major order as floats: what the hand-written
 * kernels ({@link NormKernels}, the SGD update) and oneDNN ({@link OneDnnConvolution}) read and write in place.
 * Slices of a flat array (parameter and gradient views) qualify; the buffer starts at the slice's first element.
 */
public final class DenseFloats {
    private DenseFloats() {
    }

    /** Whether {@code a} is non-empty float memory, dense in row-major order (a slice of a flat array qualifies). */
    public static boolean isDense(INDArray a) {
        if (a.dataType() != DataType.FLOAT || a.length() == 0) {
            return false;
        }
        // a [1, n] slice of the flat gradient may carry either ordering and a non-default stride on its unit axis
        return a.isVectorOrScalar() ? a.elementWiseStride() == 1
                : a.ordering() == 'c' && Shape.hasDefaultStridesForShape(a);
    }

    /** {@code a} itself when it is dense float memory, otherwise a row-major float copy. */
    public static INDArray of(INDArray a) {
        return isDense(a) ? a : a.castTo(DataType.FLOAT).dup('c');
    }

    /** A dense array's elements from its first one (a view's buffer is the whole array, positioned at the view). */
    public static FloatBuffer buffer(INDArray a) {
        return a.data().asNioFloat().slice();
    }

    /** The values of a small array (such as γ or β) as floats, read directly when it is dense. */
    public static float[] read(INDArray a) {
        if (!isDense(a)) {
            return a.castTo(DataType.FLOAT).toFloatVector();
        }
        float[] out = new float[(int) a.length()];
        buffer(a).get(0, out, 0, out.length);
        return out;
    }

    /** Writes per-channel results (e.g. dγ, dβ) into a parameter-shaped view such as a gradient view; returns it. */
    public static INDArray write(double[] values, INDArray view) {
        if (isDense(view) && view.length() == values.length) {
            FloatBuffer b = buffer(view); // straight into the view: no temporary arrays or native ops per layer
            for (int i = 0; i < values.length; i++) {
                b.put(i, (float) values[i]);
            }
        } else {
            view.assign(Nd4j.createFromArray(values).castTo(view.dataType()).reshape(view.shape()));
        }
        return view;
    }
}

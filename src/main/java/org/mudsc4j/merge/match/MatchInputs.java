package org.mudsc4j.merge.match;

/** Shared argument checks and block extraction for the matchers. */
final class MatchInputs {

    private MatchInputs() {
    }

    /** Validates shape; NaN is rejected because every matcher's argmax/assignment is undefined on it. */
    static void check(double[] s, int numModels, int unitsPerModel) {
        if (numModels < 2) {
            throw new IllegalArgumentException("need at least 2 models, got " + numModels);
        }
        if (unitsPerModel < 1) {
            throw new IllegalArgumentException("need at least 1 unit per model, got " + unitsPerModel);
        }
        if (s == null) {
            throw new IllegalArgumentException("similarity must not be null");
        }
        long o = (long) numModels * unitsPerModel;
        if (o * o != s.length) {
            throw new IllegalArgumentException("similarity has " + s.length + " entries, expected (N*n)^2 = (" + numModels
                    + "*" + unitsPerModel + ")^2 = " + (o * o));
        }
        for (int k = 0; k < s.length; k++) {
            if (Double.isNaN(s[k])) {
                throw new IllegalArgumentException("similarity at (" + (k / o) + ", " + (k % o) + ") is NaN");
            }
        }
    }

    /** Copy of the {@code rows × cols} block of a row-major matrix with row stride {@code stride}. */
    static double[] block(double[] s, int stride, int row0, int col0, int rows, int cols) {
        double[] out = new double[rows * cols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(s, (row0 + r) * stride + col0, out, r * cols, cols);
        }
        return out;
    }
}

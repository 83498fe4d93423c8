package org.mudsc4j.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PairEvaluationTest {

    @Test
    void ensembleJointTakesTheMoreConfidentTaskModel() {
        int[] a = {6, 7, 3};
        int[] b = {2, 8, 4};
        assertEquals(7, PairEvaluation.ensembleJoint(new double[] {0.1, 0.8, 0.1}, new double[] {0.5, 0.3, 0.2}, a, b));
        assertEquals(2, PairEvaluation.ensembleJoint(new double[] {0.4, 0.3, 0.3}, new double[] {0.9, 0.05, 0.05}, a, b));
        assertEquals(6, PairEvaluation.ensembleJoint(new double[] {0.5, 0.5, 0}, new double[] {0.5, 0.5, 0}, a, b),
                "ties go to the first entry of the concatenation");
    }

    @Test
    void softmaxOfScaledCosines() {
        double[] p = PairEvaluation.softmax(new float[] {0.1f, 0.0f}, 100);
        assertEquals(1 / (1 + Math.exp(-10)), p[0], 1e-6);
        assertArrayEquals(new double[] {0.5, 0.5}, PairEvaluation.softmax(new float[] {0.3f, 0.3f}, 100), 1e-12);
    }
}

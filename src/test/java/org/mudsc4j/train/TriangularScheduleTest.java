package org.mudsc4j.train;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.schedule.ISchedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TriangularScheduleTest {
    @Test
    void piecewiseLinearThroughZeroPeakAndEnd() {
        // I = 10 iterations per epoch, W = 5, E = 20: peak at 50, zero at 200.
        TriangularSchedule s = TriangularSchedule.forEpochs(0.4, 5, 20, 10);
        assertEquals(0.0, s.valueAt(0, 0));
        assertEquals(0.4 * 0.02, s.valueAt(1, 0), 1e-15);
        assertEquals(0.2, s.valueAt(25, 2), 1e-15);
        assertEquals(0.4, s.valueAt(50, 5), 1e-15);
        assertEquals(0.2, s.valueAt(125, 12), 1e-15);
        assertEquals(0.4 / 150, s.valueAt(199, 19), 1e-15);
        assertEquals(0.0, s.valueAt(200, 20));
        assertEquals(0.0, s.valueAt(500, 50));
        double previous = -1;
        for (int it = 0; it <= 50; it++) {
            assertTrue(s.valueAt(it, 0) > previous);
            previous = s.valueAt(it, 0);
        }
    }

    @Test
    void rejectsWarmupNotShorterThanRun() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TriangularSchedule.forEpochs(0.1, 5, 5, 10));
        assertTrue(e.getMessage().contains("W"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TriangularSchedule.forEpochs(0.1, 0, 5, 10));
    }

    @Test
    void jsonRoundTripWithDl4jMapper() throws Exception {
        TriangularSchedule s = TriangularSchedule.forEpochs(0.1, 1.5, 6, 7);
        String json = NeuralNetConfiguration.mapper().writeValueAsString(s);
        ISchedule back = NeuralNetConfiguration.mapper().readValue(json, ISchedule.class);
        assertEquals(s, back);
        assertEquals(s, s.clone());
    }
}

package org.mudsc4j.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mudsc4j.eval.Accuracies;

class AlphaSweepTest {

    @Test
    void gridVisitsTheReferenceValuesAndPicksTheBestJoint() {
        var s = new ExperimentDefinition.AlphaSettings("grid", 0.1, 0.9, 9, 10, 0);
        // Joint peaks at α = 0.7; Avg peaks elsewhere, to show Joint decides.
        AlphaSweep.Outcome o = AlphaSweep.run(s, a -> Accuracies.of(1 - Math.abs(a - 0.7), 0.5 + a / 2, 0.5));
        List<Double> alphas = o.byAlpha().stream().map(AlphaSweep.Point::alpha).toList();
        assertEquals(List.of(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9), alphas);
        assertEquals(0.7, o.best().alpha(), 1e-12);
    }

    @Test
    void randomSearchIsSeededAndStaysInRange() {
        var s = new ExperimentDefinition.AlphaSettings("random", 0.2, 0.4, 5, 10, 42);
        AlphaSweep.Outcome a = AlphaSweep.run(s, x -> Accuracies.of(x, x, x));
        AlphaSweep.Outcome b = AlphaSweep.run(s, x -> Accuracies.of(x, x, x));
        assertEquals(5, a.points().size());
        assertEquals(a.points(), b.points());
        assertTrue(a.points().stream().allMatch(p -> p.alpha() >= 0.2 && p.alpha() <= 0.4));
    }

    @Test
    void aFailingCandidateIsReported() {
        var s = new ExperimentDefinition.AlphaSettings("grid", 0.1, 0.9, 3, 10, 0);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> AlphaSweep.run(s, x -> {
            throw new IllegalArgumentException("boom at " + x);
        }));
        assertTrue(e.getMessage().contains("boom"), e.getMessage());
    }
}

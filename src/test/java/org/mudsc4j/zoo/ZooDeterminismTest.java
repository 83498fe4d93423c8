package org.mudsc4j.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Same seed → same weights, for every architecture and for seed 0 (DL4J's own seed 0 is not reproducible). */
class ZooDeterminismTest {

    @ParameterizedTest
    @ValueSource(strings = {"resnet20x1-e8@3x8x8", "resnet20gnx1-g4-e8@3x8x8", "resnet26-b8-e8@3x32x32",
            "vit-p4-d2-w16-h2-m2-e8@3x8x8"})
    void theSameSeedGivesTheSameModel(String specText) {
        ModelSpec spec = ModelSpec.parse(specText);
        for (long seed : new long[] {0, 1, 42}) {
            ComputationGraph a = ModelZoo.build(spec, seed);
            ComputationGraph b = ModelZoo.build(spec, seed);
            assertEquals(a.params(), b.params(), specText + " seed " + seed);
        }
        assertNotEquals(ModelZoo.build(spec, 0).params(), ModelZoo.build(spec, 1).params());
    }
}

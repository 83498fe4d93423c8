package org.mudsc4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.mudsc4j.zoo.ModelSpec;
import org.mudsc4j.zoo.ModelZoo;

/** The multiply-add count of the arithmetic-rate table against a count by hand. */
class MultiplyAddsTest {
    @Test
    void resNet20CountsEveryConvolutionAndTheLinear() {
        ModelSpec spec = ModelSpec.parse("resnet20x1@1x28x28");
        long k = 9; // 3 × 3 kernels everywhere, the shortcuts included (the reference's layout)
        long stem = 28 * 28 * 16 * 1 * k;
        long stage1 = 6 * (28 * 28 * 16 * 16 * k);
        // first block: conv1 and the shortcut from the narrower stage at stride 2, then five same-width convolutions
        long stage2 = 2 * (14 * 14 * 32 * 16 * k) + 5 * (14 * 14 * 32 * 32 * k);
        long stage3 = 2 * (7 * 7 * 64 * 32 * k) + 5 * (7 * 7 * 64 * 64 * k);
        long linear = 64 * 512;
        assertEquals(stem + stage1 + stage2 + stage3 + linear,
                MultiplyAdds.perImage(ModelZoo.build(spec, 1), spec.input()));
        assertEquals(32_659_712L, stem + stage1 + stage2 + stage3 + linear);
    }
}

package org.mudsc4j.data;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AugmentationTest {
    /** Property: every output is the input shifted by some (dy, dx) in [-P, P]^2 (zero fill), mirrored only if enabled. */
    @Test
    void cropWithPaddingOnlyShiftsContent() {
        Random gen = new Random(7);
        Set<String> seen = new HashSet<>();
        for (int trial = 0; trial < 300; trial++) {
            int c = 1 + gen.nextInt(3);
            int h = 5 + gen.nextInt(8);
            int w = 5 + gen.nextInt(8);
            int pad = 1 + gen.nextInt(4);
            boolean flip = gen.nextBoolean();
            byte[] img = new byte[c * h * w];
            for (int i = 0; i < img.length; i++) {
                img[i] = (byte) (1 + gen.nextInt(255)); // non-zero, so zero-filled borders are recognisable
            }
            byte[] out = new byte[img.length];
            new Augmentation(pad, flip).apply(img, 0, c, h, w, new SplittableRandom(trial), out);
            String match = findShift(img, out, c, h, w, pad, flip);
            assertTrue(match != null, "trial " + trial + ": output is not a padded shift of the input");
            if (pad == 4 && flip) {
                seen.add(match);
            }
        }
        assertTrue(seen.size() > 10, "shifts should vary, saw " + seen);
    }

    @Test
    void knownShiftAndMirror() {
        // 1 channel, 2x3: rows [1 2 3], [4 5 6]
        byte[] img = {1, 2, 3, 4, 5, 6};
        byte[] out = new byte[6];
        Augmentation.shift(img, 0, 1, 2, 3, 1, -1, false, out); // crop at top=pad+1, left=pad-1
        assertArrayEquals(new byte[]{0, 4, 5, 0, 0, 0}, out);
        Augmentation.shift(img, 0, 1, 2, 3, 0, 0, true, out);
        assertArrayEquals(new byte[]{3, 2, 1, 6, 5, 4}, out);
    }

    @Test
    void noneIsIdentityAndSameRngGivesSameResult() {
        byte[] img = new byte[3 * 8 * 8];
        new Random(1).nextBytes(img);
        byte[] out = new byte[img.length];
        Augmentation.NONE.apply(img, 0, 3, 8, 8, new SplittableRandom(3), out);
        assertArrayEquals(img, out);
        byte[] a = new byte[img.length];
        byte[] b = new byte[img.length];
        DatasetKind.CIFAR10.trainAugmentation().apply(img, 0, 3, 8, 8, new SplittableRandom(11), a);
        DatasetKind.CIFAR10.trainAugmentation().apply(img, 0, 3, 8, 8, new SplittableRandom(11), b);
        assertArrayEquals(a, b);
        assertThrows(IllegalArgumentException.class, () -> new Augmentation(-1, false));
    }

    @Test
    void referenceRecipes() {
        assertEquals(new Augmentation(4, true), DatasetKind.CIFAR10.trainAugmentation());
        assertEquals(new Augmentation(4, true), DatasetKind.CIFAR100.trainAugmentation());
        assertEquals(new Augmentation(4, false), DatasetKind.FASHION_MNIST.trainAugmentation());
    }

    private static String findShift(byte[] in, byte[] out, int c, int h, int w, int pad, boolean flipAllowed) {
        byte[] candidate = new byte[in.length];
        for (int mirror = 0; mirror <= (flipAllowed ? 1 : 0); mirror++) {
            for (int dy = -pad; dy <= pad; dy++) {
                for (int dx = -pad; dx <= pad; dx++) {
                    for (int ch = 0; ch < c; ch++) {
                        for (int y = 0; y < h; y++) {
                            for (int x = 0; x < w; x++) {
                                int sy = y + dy;
                                int sx = (mirror == 1 ? w - 1 - x : x) + dx;
                                boolean inside = sy >= 0 && sy < h && sx >= 0 && sx < w;
                                candidate[(ch * h + y) * w + x] = inside ? in[(ch * h + sy) * w + sx] : 0;
                            }
                        }
                    }
                    if (java.util.Arrays.equals(candidate, out)) {
                        return dy + "," + dx + "," + mirror;
                    }
                }
            }
        }
        return null;
    }
}

package org.mudsc4j.merge.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The two sources of sweep orders: the reference's randperm sequence and the seeded default. */
class SweepOrderTest {

    /** The reference's first sweeps over ResNet-20's 12 groups (torch 1.13, g.manual_seed(0); see the fixture). */
    @Test
    void referenceOrderIsTheReferencesRandpermSequence() {
        SweepOrder.Sequence s = SweepOrder.REFERENCE.start(0, 12);
        assertArrayEquals(new int[] {8, 0, 5, 9, 7, 4, 2, 10, 3, 1, 11, 6}, s.next());
        assertArrayEquals(new int[] {2, 3, 11, 4, 1, 9, 6, 0, 5, 7, 8, 10}, s.next());
        assertArrayEquals(new int[] {11, 4, 6, 8, 9, 3, 1, 7, 2, 5, 0, 10}, s.next());
        // every search starts afresh, as the reference creates a generator per merge
        assertArrayEquals(new int[] {8, 0, 5, 9, 7, 4, 2, 10, 3, 1, 11, 6}, SweepOrder.REFERENCE.start(0, 12).next());
    }

    /** The default is unchanged: Fisher–Yates from the last element with java.util.Random(seed). */
    @Test
    void seededOrderIsTheDefaultShuffleOfJavaUtilRandom() {
        Random random = new Random(3);
        SweepOrder.Sequence s = SweepOrder.SEEDED.start(3, 9);
        for (int sweep = 0; sweep < 4; sweep++) {
            int[] want = {0, 1, 2, 3, 4, 5, 6, 7, 8};
            for (int i = want.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = want[i];
                want[i] = want[j];
                want[j] = t;
            }
            int[] got = s.next();
            assertArrayEquals(want, got);
            assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8}, Arrays.stream(got).sorted().toArray());
        }
        assertFalse(Arrays.equals(SweepOrder.SEEDED.start(0, 12).next(), SweepOrder.REFERENCE.start(0, 12).next()));
    }

    @Test
    void ordersAreNamed() {
        assertEquals(SweepOrder.REFERENCE, SweepOrder.parse("reference"));
        assertEquals("seeded", SweepOrder.SEEDED.id());
        assertThrows(IllegalArgumentException.class, () -> SweepOrder.parse("random"));
    }
}

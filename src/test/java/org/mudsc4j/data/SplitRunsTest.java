package org.mudsc4j.data;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SplitRunsTest {
    /** ALGORITHM.md 1.2, CIFAR-100: split1 and split2 of runs 0..4. */
    private static final String[][] CIFAR100 = {
            {"91,59,0,34,28,50,11,35,23,52,10,31,66,57,79,85,32,84,14,89,19,29,49,97,98,69,20,94,72,77,25,37,81,46,39,65,58,12,88,70,87,36,21,83,9,96,67,64,47,44",
                    "26,86,2,55,75,93,16,73,54,95,53,92,78,13,7,30,22,24,33,8,43,62,3,71,45,48,6,99,82,76,60,80,90,68,51,27,18,56,63,74,1,61,42,41,4,15,17,40,38,5"},
            {"71,99,86,96,69,24,30,13,40,56,68,95,81,19,38,91,54,32,51,85,11,89,90,36,65,88,41,14,27,50,20,46,67,35,62,2,59,23,58,43,10,0,73,21,77,42,3,93,48,34",
                    "18,29,64,92,72,87,5,15,12,17,61,76,9,78,80,7,33,6,37,74,79,1,45,28,60,52,25,39,97,44,16,55,83,49,22,70,47,4,82,94,53,66,26,84,31,63,8,75,98,57"},
            {"91,33,21,90,7,45,79,85,68,31,65,44,50,26,75,95,78,41,9,39,93,97,29,77,20,46,51,53,23,27,2,28,37,54,10,84,11,32,43,87,69,61,86,35,76,3,82,67,24,88",
                    "42,96,58,14,72,4,47,64,57,63,6,38,13,59,66,71,15,22,19,12,52,73,80,74,62,30,99,70,18,89,81,83,60,25,56,17,1,8,16,55,48,92,0,36,40,5,94,98,49,34"},
            {"94,15,79,95,5,74,80,7,77,99,35,22,4,18,20,92,14,42,78,25,85,64,55,90,13,71,72,19,32,56,8,51,67,87,24,36,16,63,86,0,58,81,28,96,91,89,73,21,46,93",
                    "54,84,33,53,2,49,48,82,41,66,29,37,69,50,97,59,68,75,70,52,57,61,47,76,12,9,43,17,31,3,98,44,88,38,6,1,23,40,30,34,83,60,27,10,26,45,65,39,62,11"},
            {"73,59,77,69,86,34,70,96,18,12,19,35,71,88,60,82,74,31,63,43,10,47,68,79,78,65,42,3,91,36,0,93,9,7,51,53,33,29,27,99,57,20,25,54,30,87,49,4,24,23",
                    "89,56,37,46,2,90,13,15,58,67,16,17,64,38,40,14,11,62,48,45,72,76,92,84,21,41,44,66,22,8,94,95,83,85,75,32,26,97,28,81,55,52,6,5,61,50,98,39,80,1"}};

    /** ALGORITHM.md 1.2, CIFAR-10 seed-0 runs as split1|split2. */
    private static final String[] CIFAR10 = {
            "[6,7,3,0,5]|[2,8,4,9,1]", "[8,0,6,7,4]|[3,5,1,2,9]", "[1,0,6,9,7]|[2,3,8,4,5]",
            "[5,8,0,3,4]|[6,1,9,2,7]", "[0,6,8,9,3]|[5,2,7,4,1]"};

    @Test
    void cifar100ReferenceRunsMatchTheSpecification() {
        List<SplitPair> runs = SplitRuns.reference(100, 5);
        assertEquals(5, runs.size());
        for (int r = 0; r < 5; r++) {
            assertEquals("[" + CIFAR100[r][0] + "]", runs.get(r).first().toString(), "run " + r + " split1");
            assertEquals("[" + CIFAR100[r][1] + "]", runs.get(r).second().toString(), "run " + r + " split2");
        }
    }

    @Test
    void cifar10AndFashionMnistReferenceRunsMatchTheSpecification() {
        for (DatasetKind kind : new DatasetKind[]{DatasetKind.CIFAR10, DatasetKind.FASHION_MNIST}) {
            List<SplitPair> runs = SplitRuns.reference(kind, SplitRuns.REFERENCE_RUNS);
            for (int r = 0; r < 5; r++) {
                assertEquals(CIFAR10[r], runs.get(r).toString(), kind + " run " + r);
            }
        }
    }

    @Test
    void fewerRunsArePrefixesAndOddClassCountsGiveTheLargerHalfToSplit2() {
        assertEquals(SplitRuns.reference(100, 5).subList(0, 2), SplitRuns.reference(100, 2));
        SplitPair odd = SplitRuns.reference(7, 1).get(0);
        assertEquals(3, odd.first().size());
        assertEquals(4, odd.second().size());
    }

    @Test
    void remapGivesThePositionInsideTheSplit() {
        ClassSplit s = SplitRuns.reference(10, 1).get(0).first(); // [6,7,3,0,5]
        assertEquals(0, s.remap(6));
        assertEquals(2, s.remap(3));
        assertEquals(4, s.remap(5));
        assertTrue(s.contains(0));
        assertFalse(s.contains(2));
        assertFalse(s.contains(42));
        assertEquals(3, s.classAt(2));
        assertEquals("6_7_3_0_5", s.dirName());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.remap(2));
        assertTrue(e.getMessage().contains("2 is not in split [6,7,3,0,5]"), e.getMessage());
    }

    @Test
    void parsesUserSplits() {
        SplitPair pair = SplitRuns.parse("0,2,4,6,8|1,3,5,7,9", 10);
        assertArrayEquals(new int[]{0, 2, 4, 6, 8}, pair.first().classes());
        assertArrayEquals(new int[]{1, 3, 5, 7, 9}, pair.second().classes());
        SplitPair single = SplitRuns.parse(" 8, 6 ,4 ", 10);
        assertEquals("[8,6,4]|[0,1,2,3,5,7,9]", single.toString());
        assertEquals("[3,1]", ClassSplit.parse("[3,1]", 10).toString());
        assertEquals("[0,2,4,6,8,1,3,5,7,9]", pair.union().toString());
    }

    @Test
    void rejectsInvalidSplitsWithSpecificMessages() {
        assertMessage("outside 0..9", () -> SplitRuns.parse("0,2,10", 10));
        assertMessage("appears twice", () -> SplitRuns.parse("0,2,2", 10));
        assertMessage("[2, 4] are on both sides", () -> SplitRuns.parse("0,2,4|1,2,4", 10));
        assertMessage("'x' is not a class id", () -> SplitRuns.parse("0,x", 10));
        assertMessage("Empty class split", () -> ClassSplit.parse(" ", 10));
        assertMessage("3 '|'-separated parts", () -> SplitRuns.parse("0|1|2", 10));
        assertMessage("outside 0..9", () -> ClassSplit.parse("-1", 10));
        assertMessage("covers all", () -> SplitRuns.parse("0,1,2", 3));
        assertMessage("share classes", () -> new SplitPair(ClassSplit.parse("1,2", 5), ClassSplit.parse("2,3", 5)));
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' should mention '" + part + "'");
    }
}

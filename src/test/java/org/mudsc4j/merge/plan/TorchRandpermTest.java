package org.mudsc4j.merge.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link TorchRandperm} reproduces PyTorch's CPU generator and randperm: sequences recorded from Debian's
 * python3-torch by {@code src/test/resources/parity/torch_randperm_fixture.py} (into {@code torch-randperm.json}).
 */
class TorchRandpermTest {
    private static JsonNode fixture;

    @BeforeAll
    static void readFixture() throws IOException {
        try (InputStream in = Objects.requireNonNull(TorchRandpermTest.class.getResourceAsStream(
                "/parity/torch-randperm.json"), "missing fixture parity/torch-randperm.json")) {
            fixture = new ObjectMapper().readTree(in);
        }
        assertFalse(fixture.path("torch_version").asText().isEmpty(), "fixture names no torch version");
    }

    @Test
    void outputsOfMt19937AreTheWellKnownOnes() {
        TorchRandperm def = new TorchRandperm(5489);
        assertEquals(3499211612L, Integer.toUnsignedLong(def.nextUInt32()));
        for (int i = 1; i < 9999; i++) {
            def.nextUInt32();
        }
        assertEquals(4123659995L, Integer.toUnsignedLong(def.nextUInt32()), "10000th output (C++ std::mt19937)");
        TorchRandperm zero = new TorchRandperm(0);
        assertEquals(2357136044L, Integer.toUnsignedLong(zero.nextUInt32()));
        assertEquals(2546248239L, Integer.toUnsignedLong(zero.nextUInt32()));
    }

    @Test
    void successiveRandpermsOfOneGeneratorMatchPytorch() {
        int checked = 0;
        for (JsonNode c : fixture.get("randperm")) {
            checked += checkSuccessive(c);
        }
        assertEquals(5 * 10 * 5, checked, "fixture cases");
    }

    @Test
    void referenceSweepOrdersMatchPytorch() {
        JsonNode ref = fixture.get("reference_sweeps");
        assertEquals(0, ref.get("seed").asLong());
        assertEquals(12, ref.get("n").asInt());
        assertEquals(100, checkSuccessive(ref));
    }

    @Test
    void rawStreamMatchesPytorchRandint() {
        for (JsonNode c : fixture.get("randint_low31")) {
            TorchRandperm g = new TorchRandperm(c.get("seed").asLong());
            for (JsonNode v : c.get("values")) {
                assertEquals(v.asLong(), g.nextUInt32() & 0x7fffffff, "seed " + c.get("seed"));
            }
        }
    }

    @Test
    void onlyTheLow32BitsOfTheSeedCount() {
        TorchRandperm a = new TorchRandperm(5);
        TorchRandperm b = new TorchRandperm((1L << 32) + 5);
        for (int i = 0; i < 700; i++) {
            assertEquals(a.nextUInt32(), b.nextUInt32());
        }
    }

    @Test
    void sizesWherePytorchSwitchesAlgorithmAreRefused() {
        TorchRandperm g = new TorchRandperm(0);
        assertThrows(IllegalArgumentException.class, () -> g.randperm(-1));
        assertThrows(IllegalArgumentException.class, () -> g.randperm(TorchRandperm.MAX_N + 1));
        assertEquals(0, g.randperm(0).length);
    }

    private static int checkSuccessive(JsonNode c) {
        long seed = c.get("seed").asLong();
        int n = c.get("n").asInt();
        TorchRandperm g = new TorchRandperm(seed);
        int call = 0;
        for (JsonNode p : c.get("perms")) {
            int[] expected = new int[p.size()];
            for (int i = 0; i < expected.length; i++) {
                expected[i] = p.get(i).asInt();
            }
            assertArrayEquals(expected, g.randperm(n), "seed " + seed + ", n " + n + ", call " + call);
            call++;
        }
        return call;
    }
}

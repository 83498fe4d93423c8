package org.mudsc4j.data;

/**
 * The parts of numpy's legacy {@code np.random.RandomState} (MT19937) needed to regenerate the reference's class
 * splits bit for bit: {@code seed(int)} and {@code permutation(n)}.
 */
final class LegacyRandomState {
    private static final int N = 624;
    private static final int M = 397;
    private final int[] mt = new int[N];
    private int pos;

    LegacyRandomState(long seed) {
        seed(seed);
    }

    /** numpy's legacy integer seeding, which is Matsumoto and Nishimura's {@code init_genrand}. */
    void seed(long seed) {
        if (seed < 0 || seed > 0xffffffffL) {
            throw new IllegalArgumentException("Seed must be in 0..2^32-1, got " + seed);
        }
        mt[0] = (int) seed;
        for (int i = 1; i < N; i++) {
            int prev = mt[i - 1];
            mt[i] = 1812433253 * (prev ^ (prev >>> 30)) + i; // int arithmetic wraps mod 2^32 as in C
        }
        pos = N;
    }

    /** Next raw 32-bit output ({@code genrand_int32}), as an unsigned value. */
    long nextUint32() {
        if (pos >= N) {
            regenerate();
        }
        int y = mt[pos++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y & 0xffffffffL;
    }

    private void regenerate() {
        for (int k = 0; k < N; k++) {
            int y = (mt[k] & 0x80000000) | (mt[(k + 1) % N] & 0x7fffffff);
            int next = mt[(k + M) % N] ^ (y >>> 1);
            if ((y & 1) != 0) {
                next ^= 0x9908b0df;
            }
            mt[k] = next;
        }
        pos = 0;
    }

    /**
     * numpy's {@code random_interval(max)}: uniform in 0..max by masking 32-bit draws to the smallest all-ones mask
     * covering {@code max} and rejecting values above it.
     */
    long randomInterval(long max) {
        if (max == 0) {
            return 0;
        }
        if (max > 0xffffffffL) {
            throw new IllegalArgumentException("Only 32-bit intervals are needed here, got " + max);
        }
        long mask = max;
        mask |= mask >>> 1;
        mask |= mask >>> 2;
        mask |= mask >>> 4;
        mask |= mask >>> 8;
        mask |= mask >>> 16;
        long value;
        do {
            value = nextUint32() & mask;
        } while (value > max);
        return value;
    }

    /** {@code RandomState.permutation(n)}: arange(n) shuffled by Fisher-Yates from the last element down. */
    int[] permutation(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        for (int i = n - 1; i >= 1; i--) {
            int j = (int) randomInterval(i);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }
}

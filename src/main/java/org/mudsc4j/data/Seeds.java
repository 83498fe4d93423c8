package org.mudsc4j.data;

/** Derives independent 64-bit seeds from a tuple (seed, epoch, item...) with SplitMix64's finaliser. */
final class Seeds {
    private Seeds() {
    }

    static long mix(long... parts) {
        long h = 0x243F6A8885A308D3L;
        for (long p : parts) {
            h = finalise(h ^ finalise(p + 0x9E3779B97F4A7C15L));
        }
        return h;
    }

    private static long finalise(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}

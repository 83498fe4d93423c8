package org.mudsc4j.merge.plan;

/**
 * PyTorch's CPU random generator ({@code torch.Generator()}, ATen's mt19937 engine) and its CPU
 * {@code torch.randperm(n, generator=g)}, bit for bit.
 *
 * <p>It exists for parity with the MuDSC reference, whose weight-space iteration ({@code iter_transform} in
 * {@code homogeneous_tasks/mudsc.py}) creates one generator per merge, {@code g = torch.Generator();
 * g.manual_seed(0)}, and at the start of every sweep visits the permutation groups in the order
 * {@code torch.randperm(len(perm_names), generator=g)}: one call per sweep, nothing else drawing from {@code g}
 * ({@code torch.manual_seed} only reseeds the default generator). {@code new TorchRandperm(0).randperm(groups)},
 * called once per sweep, yields the same orders.
 *
 * <p>Follows PyTorch 1.x and 2.x, whose CPU code is the same throughout for the sizes allowed here:
 * <ul>
 *   <li>seeding ({@code mt19937(seed)} from {@code manual_seed}): Matsumoto and Nishimura's {@code init_genrand} on
 *       the low 32 bits of the 64-bit seed, so seeds equal modulo 2<sup>32</sup> give the same stream (a negative
 *       Python seed is taken as its two's complement, which a Java {@code long} already is);</li>
 *   <li>{@code CPUGeneratorImpl::random()}: the standard tempered 32-bit mt19937 output;</li>
 *   <li>{@code randperm_cpu}: start from 0..n-1, then for i = 0..n-2 draw z = random() % (n - i) (unsigned) and swap
 *       elements i and i + z, i.e. a forward Fisher–Yates shuffle with modulo reduction. Since PyTorch 2.6
 *       (pytorch#143682) this is kept only for n &lt; 2<sup>32</sup>/20; larger n use an inside-out shuffle on
 *       {@code random64()}, so they are refused here.</li>
 * </ul>
 * Checked against Debian's python3-torch (version in the test fixture) for n = 0, 1, 2, 3, 5, 12, 21, 37, 100 and 257
 * ({@code TorchRandpermTest}).
 */
public final class TorchRandperm {
    /** randperm_cpu's small-n path holds for n below {@code UINT32_MAX / 20}; larger n switch algorithm. */
    public static final int MAX_N = (int) (0xffffffffL / 20) - 1;

    private static final int N = 624;
    private static final int M = 397;
    private final int[] state = new int[N];
    private int next;

    /** A generator as {@code g = torch.Generator(); g.manual_seed(seed)} leaves it. */
    public TorchRandperm(long seed) {
        state[0] = (int) seed;
        for (int i = 1; i < N; i++) {
            int prev = state[i - 1];
            state[i] = 1812433253 * (prev ^ (prev >>> 30)) + i; // wraps mod 2^32 like the C uint32 arithmetic
        }
        next = N;
    }

    /** The next raw output ({@code CPUGeneratorImpl::random()}): 32 unsigned bits in an int. */
    public int nextUInt32() {
        if (next == N) {
            twist();
        }
        int y = state[next++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y;
    }

    /** {@code torch.randperm(n, generator=g)} on the CPU; draws n - 1 values (none for n &le; 1). */
    public int[] randperm(int n) {
        if (n < 0 || n > MAX_N) {
            throw new IllegalArgumentException("randperm is ported for 0 <= n <= " + MAX_N + ", got " + n);
        }
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        for (int i = 0; i < n - 1; i++) {
            int z = Integer.remainderUnsigned(nextUInt32(), n - i);
            int saved = perm[i];
            perm[i] = perm[i + z];
            perm[i + z] = saved;
        }
        return perm;
    }

    private void twist() {
        for (int k = 0; k < N; k++) {
            int y = (state[k] & 0x80000000) | (state[(k + 1) % N] & 0x7fffffff);
            state[k] = state[(k + M) % N] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
        }
        next = 0;
    }
}

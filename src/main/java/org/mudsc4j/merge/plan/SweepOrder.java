package org.mudsc4j.merge.plan;

import java.util.Locale;
import java.util.Random;

/**
 * The order in which the weight-space sweeps of {@link DualSpaceSearch} visit the permutation groups: a fresh random
 * permutation of the group ids every sweep (ALGORITHM §6.3).
 *
 * <p>Group ids follow the reference's registration order ({@code get_resnet_perm()} and its relatives; the group
 * deriver orders groups by their first producing vertex, which gives that order), so the same permutation of ids
 * visits the same layers here and there.
 */
public enum SweepOrder {
    /** Permutations from {@link java.util.Random} seeded with the merge seed (the default). */
    SEEDED,
    /**
     * The reference's sequence: {@code torch.randperm(#groups, generator=g)} once per sweep from a generator seeded
     * with the merge seed (the reference seeds it with 0), ported exactly ({@link TorchRandperm}).
     */
    REFERENCE;

    /** One search's sweep orders, a permutation of {@code 0..groups−1} per call. */
    public interface Sequence {
        int[] next();
    }

    /** {@code seeded} or {@code reference}. */
    public static SweepOrder parse(String s) {
        for (SweepOrder o : values()) {
            if (o.id().equals(s)) {
                return o;
            }
        }
        throw new IllegalArgumentException("sweep order must be seeded or reference, got '" + s + "'");
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The orders of one search over {@code groups} groups, starting afresh from {@code seed}. */
    public Sequence start(long seed, int groups) {
        if (this == REFERENCE) {
            TorchRandperm torch = new TorchRandperm(seed);
            return () -> torch.randperm(groups);
        }
        Random random = new Random(seed);
        return () -> {
            int[] order = new int[groups];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            for (int i = order.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            return order;
        };
    }
}

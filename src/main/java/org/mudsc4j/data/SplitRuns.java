package org.mudsc4j.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Where the class partitions come from: the reference's seeded draws, or a user-given split. */
public final class SplitRuns {
    /** The reference's {@code split_runs}. */
    public static final int REFERENCE_RUNS = 5;

    private SplitRuns() {
    }

    /**
     * The partitions the reference scripts draw after {@code np.random.seed(0)}: for each run,
     * {@code train_test_split(np.arange(C), train_size=C//2)} on numpy's global RNG, the runs continuing one stream.
     * sklearn takes {@code perm = permutation(C)}, {@code n_test = C - C//2}, test = perm[:n_test],
     * train = perm[n_test:n_test + C//2]; the pair is (train, test) as ALGORITHM.md 1.2 lists them.
     * Fashion-MNIST (10 classes) uses the same partitions as CIFAR-10.
     */
    public static List<SplitPair> reference(int numClasses, int runs) {
        if (numClasses < 2) {
            throw new IllegalArgumentException("Need at least 2 classes to split, got " + numClasses);
        }
        if (runs < 0) {
            throw new IllegalArgumentException("runs must be >= 0, got " + runs);
        }
        LegacyRandomState rng = new LegacyRandomState(0);
        int nTrain = numClasses / 2;
        int nTest = numClasses - nTrain;
        List<SplitPair> pairs = new ArrayList<>(runs);
        for (int r = 0; r < runs; r++) {
            int[] perm = rng.permutation(numClasses);
            ClassSplit train = new ClassSplit(Arrays.copyOfRange(perm, nTest, nTest + nTrain), numClasses);
            ClassSplit test = new ClassSplit(Arrays.copyOfRange(perm, 0, nTest), numClasses);
            pairs.add(new SplitPair(train, test));
        }
        return List.copyOf(pairs);
    }

    /** {@link #reference(int, int)} for a dataset's class count. */
    public static List<SplitPair> reference(DatasetKind kind, int runs) {
        return reference(kind.numClasses(), runs);
    }

    /**
     * Parses a user-given pair {@code "0,2,4,6,8|1,3,5,7,9"}, or a single split {@code "0,2,4,6,8"} whose partner is
     * then the complement in ascending order.
     *
     * @throws IllegalArgumentException when an id is out of range or repeated, or the two sides overlap
     */
    public static SplitPair parse(String text, int numClasses) {
        String[] sides = text.split("\\|", -1);
        if (sides.length > 2) {
            throw new IllegalArgumentException("Split '" + text + "' has " + sides.length
                    + " '|'-separated parts; expected 'a,b,c' or 'a,b,c|d,e,f'");
        }
        ClassSplit first = parseSide(sides[0], text, numClasses);
        if (sides.length == 1) {
            return new SplitPair(first, first.complement());
        }
        ClassSplit second = parseSide(sides[1], text, numClasses);
        int[] shared = Arrays.stream(first.classes()).filter(second::contains).toArray();
        if (shared.length > 0) {
            throw new IllegalArgumentException("Split '" + text + "': classes " + Arrays.toString(shared)
                    + " are on both sides; the two tasks must be disjoint");
        }
        return new SplitPair(first, second);
    }

    private static ClassSplit parseSide(String side, String whole, int numClasses) {
        try {
            return ClassSplit.parse(side, numClasses);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid split '" + whole + "': " + e.getMessage(), e);
        }
    }
}

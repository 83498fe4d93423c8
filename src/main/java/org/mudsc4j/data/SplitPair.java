package org.mudsc4j.data;

/**
 * Two disjoint class splits, one per model: {@code first} is sklearn's "train" part (split1, listed first in
 * ALGORITHM.md 1.2), {@code second} its "test" part (split2).
 */
public record SplitPair(ClassSplit first, ClassSplit second) {
    public SplitPair {
        if (first.numClasses() != second.numClasses()) {
            throw new IllegalArgumentException("Splits " + first + " and " + second + " refer to different class counts ("
                    + first.numClasses() + " vs " + second.numClasses() + ")");
        }
        if (!first.disjointFrom(second)) {
            throw new IllegalArgumentException("Splits " + first + " and " + second + " share classes; the two tasks must be disjoint");
        }
    }

    /** Both splits concatenated (first then second): the union task used for feature collection and BN repair. */
    public ClassSplit union() {
        return ClassSplit.union(first, second);
    }

    /** E.g. {@code [6,7,3,0,5]|[2,8,4,9,1]}. */
    @Override
    public String toString() {
        return first + "|" + second;
    }
}

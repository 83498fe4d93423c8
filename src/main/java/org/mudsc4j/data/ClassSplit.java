package org.mudsc4j.data;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * An ordered list of distinct class ids: one task. The order matters: a class's task-local label is its position
 * in the list ({@link #remap}), and the reference names checkpoint folders by the ids in this order.
 */
public final class ClassSplit {
    private final int[] classes;
    private final int numClasses;
    private final int[] localOf; // global id -> position, -1 when absent

    /**
     * @param classes    distinct ids in task order
     * @param numClasses size of the global label space; every id must be in 0..numClasses-1
     * @throws IllegalArgumentException on an empty list, an id out of range or a duplicate
     */
    public ClassSplit(int[] classes, int numClasses) {
        if (numClasses <= 0) {
            throw new IllegalArgumentException("numClasses must be positive, got " + numClasses);
        }
        if (classes.length == 0) {
            throw new IllegalArgumentException("A class split needs at least one class");
        }
        this.classes = classes.clone();
        this.numClasses = numClasses;
        this.localOf = new int[numClasses];
        Arrays.fill(localOf, -1);
        for (int k = 0; k < this.classes.length; k++) {
            int c = this.classes[k];
            if (c < 0 || c >= numClasses) {
                throw new IllegalArgumentException("Class id " + c + " in split " + Arrays.toString(classes)
                        + " is outside 0.." + (numClasses - 1));
            }
            if (localOf[c] >= 0) {
                throw new IllegalArgumentException("Class id " + c + " appears twice in split " + Arrays.toString(classes));
            }
            localOf[c] = k;
        }
    }

    /**
     * Parses a comma-separated list such as {@code "0,2,4,6,8"} (spaces and surrounding brackets allowed).
     *
     * @throws IllegalArgumentException naming the offending token or id
     */
    public static ClassSplit parse(String text, int numClasses) {
        String body = text.trim();
        if (body.startsWith("[") && body.endsWith("]")) {
            body = body.substring(1, body.length() - 1);
        }
        if (body.isBlank()) {
            throw new IllegalArgumentException("Empty class split '" + text + "'; expected ids like 0,2,4,6,8");
        }
        String[] tokens = body.split(",");
        int[] ids = new int[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            String t = tokens[i].trim();
            try {
                ids[i] = Integer.parseInt(t);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Class split '" + text + "': '" + t
                        + "' is not a class id (expected comma-separated integers like 0,2,4,6,8)");
            }
        }
        return new ClassSplit(ids, numClasses);
    }

    /** The concatenation of disjoint splits (e.g. both tasks of a pair), in argument order. */
    public static ClassSplit union(ClassSplit... splits) {
        if (splits.length == 0) {
            throw new IllegalArgumentException("union needs at least one split");
        }
        int n = splits[0].numClasses;
        int[] all = Arrays.stream(splits).peek(s -> {
            if (s.numClasses != n) {
                throw new IllegalArgumentException("Cannot unite splits over " + n + " and " + s.numClasses + " classes");
            }
        }).flatMapToInt(s -> Arrays.stream(s.classes)).toArray();
        return new ClassSplit(all, n);
    }

    /** The classes in 0..numClasses-1 that are not in this split, ascending. */
    public ClassSplit complement() {
        int[] rest = java.util.stream.IntStream.range(0, numClasses).filter(c -> localOf[c] < 0).toArray();
        if (rest.length == 0) {
            throw new IllegalArgumentException("Split " + this + " covers all " + numClasses + " classes; no complement");
        }
        return new ClassSplit(rest, numClasses);
    }

    /** Number of classes in this split (K). */
    public int size() {
        return classes.length;
    }

    /** Size of the global label space the ids refer to. */
    public int numClasses() {
        return numClasses;
    }

    /** The class ids in task order (a copy). */
    public int[] classes() {
        return classes.clone();
    }

    /** Global id at task-local position {@code local}. */
    public int classAt(int local) {
        return classes[local];
    }

    public boolean contains(int globalLabel) {
        return globalLabel >= 0 && globalLabel < numClasses && localOf[globalLabel] >= 0;
    }

    /**
     * Task-local label of a global label: its position in this split.
     *
     * @throws IllegalArgumentException if the class is not in the split
     */
    public int remap(int globalLabel) {
        if (!contains(globalLabel)) {
            throw new IllegalArgumentException("Class " + globalLabel + " is not in split " + this);
        }
        return localOf[globalLabel];
    }

    public boolean disjointFrom(ClassSplit other) {
        return Arrays.stream(other.classes).noneMatch(this::contains);
    }

    /** Folder-name form used by the reference's checkpoints: ids in order joined by '_', e.g. "6_7_3_0_5". */
    public String dirName() {
        return Arrays.stream(classes).mapToObj(Integer::toString).collect(Collectors.joining("_"));
    }

    /** E.g. {@code [6,7,3,0,5]}. */
    @Override
    public String toString() {
        return Arrays.stream(classes).mapToObj(Integer::toString).collect(Collectors.joining(",", "[", "]"));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClassSplit s && s.numClasses == numClasses && Arrays.equals(s.classes, classes);
    }

    @Override
    public int hashCode() {
        return 31 * numClasses + Arrays.hashCode(classes);
    }
}

package org.mudsc4j.merge.features;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** The activation correlation C_act of every group (O×O, row-major) and how many images it was computed from. */
public final class ActivationSimilarities {
    private final Map<Integer, double[]> byGroup;
    private final long images;

    public ActivationSimilarities(Map<Integer, double[]> byGroup, long images) {
        this.byGroup = Collections.unmodifiableMap(new TreeMap<>(byGroup));
        this.images = images;
    }

    public double[] correlation(int group) {
        double[] c = byGroup.get(group);
        if (c == null) {
            throw new IllegalArgumentException("no activation similarity for group " + group);
        }
        return c;
    }

    /** Images accumulated (per model). */
    public long images() {
        return images;
    }

    public Map<Integer, double[]> asMap() {
        return byGroup;
    }
}

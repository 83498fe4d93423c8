package org.mudsc4j.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a training run is <em>of</em>: the architecture plus free-form provenance (data set, split, seed,
 * class-embedding id, …). A checkpoint is resumed or reused only for an identical identity, so runs are never
 * silently mixed. Keys are kept sorted so sidecars are stable.
 *
 * @param architecture architecture string of the model zoo (e.g. {@code resnet20x8})
 * @param metadata     everything else that defines the run
 */
public record RunIdentity(String architecture, Map<String, String> metadata) {
    public RunIdentity {
        if (architecture == null || architecture.isBlank()) {
            throw new IllegalArgumentException("A run needs an architecture name");
        }
        Map<String, String> sorted = new TreeMap<>();
        if (metadata != null) {
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                sorted.put(Objects.requireNonNull(e.getKey(), "metadata key"),
                        Objects.requireNonNull(e.getValue(), () -> "metadata value of " + e.getKey()));
            }
        }
        metadata = Collections.unmodifiableMap(sorted);
    }

    /** Human-readable list of what differs from {@code other}; empty when equal. */
    public List<String> differences(RunIdentity other) {
        List<String> out = new ArrayList<>();
        if (!architecture.equals(other.architecture)) {
            out.add("architecture: " + architecture + " vs " + other.architecture);
        }
        TreeSet<String> keys = new TreeSet<>(metadata.keySet());
        keys.addAll(other.metadata.keySet());
        for (String k : keys) {
            String a = metadata.get(k);
            String b = other.metadata.get(k);
            if (!Objects.equals(a, b)) {
                out.add(k + ": " + (a == null ? "(absent)" : a) + " vs " + (b == null ? "(absent)" : b));
            }
        }
        return out;
    }
}

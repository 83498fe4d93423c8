package org.mudsc4j.merge.groups;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The permutation spec of one architecture (DESIGN.md "one data model at the centre"): every unit group with its
 * parameter axes and hook point, plus the parameters that belong to no group (they are plainly averaged when merging,
 * e.g. the classifier bias, whose 512-d output axis is never permuted).
 *
 * <p>Derived from a ComputationGraph by {@link GroupDeriver}; similarity, matching, applying and the self-check read
 * only this value. Immutable.
 */
public final class UnitGroups {
    /** One membership of a parameter: which group acts on which of its axes. */
    public record Membership(UnitGroup group, ParamAxis axis) {
    }

    private final List<UnitGroup> groups;
    private final List<String> ungroupedParams;
    private final Map<String, List<Membership>> membershipsByKey;

    /**
     * @param groups          groups in registration order; {@code groups.get(i).id() == i}
     * @param ungroupedParams DL4J keys of parameters in no group
     */
    public UnitGroups(List<UnitGroup> groups, List<String> ungroupedParams) {
        this.groups = List.copyOf(groups);
        this.ungroupedParams = List.copyOf(ungroupedParams);
        Map<String, List<Membership>> byKey = new LinkedHashMap<>();
        for (int i = 0; i < this.groups.size(); i++) {
            UnitGroup g = this.groups.get(i);
            if (g.id() != i) {
                throw new IllegalArgumentException("group " + g.name() + " has id " + g.id() + " at position " + i);
            }
            for (ParamAxis a : g.entries()) {
                byKey.computeIfAbsent(a.key(), k -> new ArrayList<>()).add(new Membership(g, a));
            }
        }
        Set<String> clash = new LinkedHashSet<>(byKey.keySet());
        clash.retainAll(this.ungroupedParams);
        if (!clash.isEmpty()) {
            throw new IllegalArgumentException("parameters both grouped and ungrouped: " + clash);
        }
        byKey.replaceAll((k, v) -> Collections.unmodifiableList(v));
        this.membershipsByKey = Collections.unmodifiableMap(byKey);
    }

    public List<UnitGroup> groups() {
        return groups;
    }

    public int size() {
        return groups.size();
    }

    public UnitGroup get(int id) {
        return groups.get(id);
    }

    /** DL4J keys of the parameters in no group, in graph order. */
    public List<String> ungroupedParams() {
        return ungroupedParams;
    }

    /** DL4J keys of the parameters in at least one group, in first-registration order. */
    public Set<String> groupedParams() {
        return membershipsByKey.keySet();
    }

    /** All memberships of one parameter in registration order (empty when the parameter is in no group). */
    public List<Membership> membershipsOf(String key) {
        return membershipsByKey.getOrDefault(key, List.of());
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (UnitGroup g : groups) {
            sb.append(g.id()).append(' ').append(g.name()).append(" n=").append(g.width());
            if (g.isGrouped()) {
                sb.append(" g=").append(g.groups());
            }
            sb.append(" hook=").append(g.hook().vertex());
            if (g.hook().channelOffset() > 0) {
                sb.append('[').append(g.hook().channelOffset()).append(":]");
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}

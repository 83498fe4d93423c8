package org.mudsc4j.merge;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The seven methods of the paper's table (ALGORITHM §10.1) as switches of one procedure (§6.2): whether the match is
 * initialised from activation similarities, whether it is then refined by sweeps in weight space, which matcher
 * family runs (group-aware variants are picked per group by its structure), and whether the sweeps mix the fixed
 * activation similarity in with the balanced factor α.
 */
public enum MergeMethod {
    /** Plain weight average (identity matching). Reference suffix {@code _avg}. */
    AVG("avg", "Weight Average", false, false, Family.IDENTITY, false),
    /** Git Re-Basin: Hungarian on weight correlation, sweeps from an empty state. Suffix {@code _useperm}. */
    REBASIN("rebasin", "Git Re-Basin", false, true, Family.ALIGN, false),
    /** Activation alignment: Hungarian on activation correlation, no sweeps. Suffix {@code _act_useperm}. */
    ACT_ALIGN("act-align", "A. Align", true, false, Family.ALIGN, false),
    /** MuDSC with alignment: activation init, then sweeps on α·C_w + (1−α)·C_act. Suffix {@code _act_iws_fs_useperm}. */
    MUDSC_ALIGN("mudsc-align", "MuDSC_align", true, true, Family.ALIGN, true),
    /** ZipIt!: greedy zip on activation correlation, no sweeps. Suffix {@code _act}. */
    ZIPIT("zipit", "ZipIt!", true, false, Family.ZIP, false),
    /** Weight zip: greedy zip on weight correlation, sweeps from an empty state. Suffix {@code ""}. */
    WEIGHT_ZIP("weight-zip", "W. Zip", false, true, Family.ZIP, false),
    /** MuDSC with zip: activation init, then sweeps on the mixed similarity. Suffix {@code _act_iws_fs}. */
    MUDSC_ZIP("mudsc-zip", "MuDSC_zip", true, true, Family.ZIP, true);

    /** Matcher family; the group-aware member of the family is used for grouped layers (ALGORITHM §8). */
    public enum Family { IDENTITY, ALIGN, ZIP }

    private final String id;
    private final String paperName;
    private final boolean usesActivations;
    private final boolean sweepsWeights;
    private final Family family;
    private final boolean mixesSimilarities;

    MergeMethod(String id, String paperName, boolean usesActivations, boolean sweepsWeights, Family family,
                boolean mixesSimilarities) {
        this.id = id;
        this.paperName = paperName;
        this.usesActivations = usesActivations;
        this.sweepsWeights = sweepsWeights;
        this.family = family;
        this.mixesSimilarities = mixesSimilarities;
    }

    /** Command-line name, e.g. {@code mudsc-zip}. */
    public String id() {
        return id;
    }

    /** Row label of the paper's table. */
    public String paperName() {
        return paperName;
    }

    /** Needs the activation pass (initialisation from C_act). */
    public boolean usesActivations() {
        return usesActivations;
    }

    /** Runs the weight-space sweeps of ALGORITHM §6.3. */
    public boolean sweepsWeights() {
        return sweepsWeights;
    }

    public Family family() {
        return family;
    }

    /** Uses the balanced factor α (the MuDSC variants). */
    public boolean mixesSimilarities() {
        return mixesSimilarities;
    }

    /** {@code all}, or a comma list of methods (each once, in the given order). */
    public static java.util.List<MergeMethod> parseList(String text) {
        if (text.trim().equalsIgnoreCase("all")) {
            return java.util.List.of(values());
        }
        java.util.LinkedHashSet<MergeMethod> out = new java.util.LinkedHashSet<>();
        for (String part : text.split(",")) {
            if (!out.add(parse(part))) {
                throw new IllegalArgumentException("merge method '" + part.trim() + "' is listed twice in '" + text + "'");
            }
        }
        return java.util.List.copyOf(out);
    }

    public static MergeMethod parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (MergeMethod m : values()) {
            if (m.id.equals(t) || m.name().toLowerCase(Locale.ROOT).equals(t)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown merge method '" + text + "'; expected one of "
                + Arrays.stream(values()).map(MergeMethod::id).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return id;
    }
}

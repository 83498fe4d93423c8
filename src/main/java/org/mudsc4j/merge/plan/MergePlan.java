package org.mudsc4j.merge.plan;

import java.util.List;
import org.mudsc4j.merge.MergeMethod;

/**
 * The outcome of matching: the final match of every group (the reference's {@code perm_mats}) and how the search got
 * there.
 *
 * @param method  the method that produced it
 * @param alpha   the balanced factor used (meaningful for the MuDSC variants only)
 * @param state   one match per group
 * @param sweeps  the objective of every weight-space sweep, in order (empty when no sweep ran)
 * @param objective the objective of the returned state: mean over groups of the matched similarity
 * @param similaritySeconds time spent building weight vectors and their correlations
 * @param matchingSeconds   time spent in the matchers (initialisation and sweeps)
 */
public record MergePlan(MergeMethod method, double alpha, MatchState state, List<Sweep> sweeps, double objective,
                        double similaritySeconds, double matchingSeconds) {

    public MergePlan {
        sweeps = List.copyOf(sweeps);
    }

    /** One weight-space sweep: its objective L and whether it improved on the best so far (else: rolled back). */
    public record Sweep(int index, double objective, boolean improved) {
    }
}

package org.mudsc4j.merge.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;
import org.mudsc4j.merge.MergeMethod;
import org.mudsc4j.merge.apply.ModelParams;
import org.mudsc4j.merge.groups.UnitGroup;
import org.mudsc4j.merge.groups.UnitGroups;
import org.mudsc4j.merge.match.AlignMatcher;
import org.mudsc4j.merge.match.GroupAlignMatcher;
import org.mudsc4j.merge.match.GroupZipMatcher;
import org.mudsc4j.merge.match.IdentityMatcher;
import org.mudsc4j.merge.match.Matcher;
import org.mudsc4j.merge.match.UnitMatch;
import org.mudsc4j.merge.match.ZipMatcher;
import org.mudsc4j.merge.similarity.MixedSimilarity;
import org.mudsc4j.merge.similarity.WeightCorrelation;
import org.mudsc4j.util.Progress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MuDSC's search for unit matches in the dual space (ALGORITHM §6), and through its switches the six baselines.
 *
 * <ol>
 *   <li>Methods that use activations start every group from its activation-only match {@code Ψ(C_act)}.</li>
 *   <li>Methods that sweep then run block-coordinate ascent: each sweep visits the groups in a fresh random order
 *       (seeded), rebuilds the group's weight vectors from the current matches of its neighbours, correlates them
 *       ({@code C_w}), mixes {@code S = α·C_w + (1−α)·C_act} for the MuDSC variants (C_act fixed, no rescaling),
 *       re-matches and stores the result at once. The objective L is the mean over groups of the matched
 *       similarity; a sweep that does not strictly improve on the best L counts as bad and the state rolls back to
 *       the best; 5 bad sweeps in a row or 100 sweeps end the search; the best state is returned.</li>
 * </ol>
 *
 * <p>Deviation by default: the sweep order comes from {@link java.util.Random} seeded with {@code seed}, not from
 * {@code torch.randperm}; the orders differ from the reference's, the procedure does not. {@link SweepOrder#REFERENCE}
 * visits the groups in exactly the reference's order.
 */
public final class DualSpaceSearch {
    private static final Logger log = LoggerFactory.getLogger(DualSpaceSearch.class);

    /**
     * @param alpha      balanced factor α ∈ [0, 1], weight on the weight similarity (MuDSC variants only)
     * @param seed       seed of the random sweep order
     * @param maxSweeps  the reference's {@code iter} (100)
     * @param patience   the reference's {@code tol} (5)
     * @param order      where the sweep orders come from
     */
    public record Options(double alpha, long seed, int maxSweeps, int patience, SweepOrder order) {
        public Options {
            if (order == null) {
                throw new IllegalArgumentException("the search needs a sweep order (seeded or reference)");
            }
            if (!(alpha >= 0 && alpha <= 1)) {
                throw new IllegalArgumentException("alpha must lie in [0, 1], got " + alpha);
            }
            if (maxSweeps < 1 || patience < 1) {
                throw new IllegalArgumentException("maxSweeps and patience must be >= 1");
            }
        }

        /** The reference's defaults: 100 sweeps, patience 5, seed 0; this project's seeded sweep order. */
        public static Options defaults(double alpha) {
            return new Options(alpha, 0L, 100, 5, SweepOrder.SEEDED);
        }

        public Options withSeed(long newSeed) {
            return new Options(alpha, newSeed, maxSweeps, patience, order);
        }

        public Options withOrder(SweepOrder newOrder) {
            return new Options(alpha, seed, maxSweeps, patience, newOrder);
        }
    }

    private final UnitGroups groups;
    private final List<ModelParams> models;
    private long similarityNanos;
    private long matchingNanos;

    /** @param models the N ≥ 2 models' parameters; model 0 is the anchor of alignment */
    public DualSpaceSearch(UnitGroups groups, List<ModelParams> models) {
        if (models.size() < 2) {
            throw new IllegalArgumentException("merging needs at least 2 models, got " + models.size());
        }
        this.groups = groups;
        this.models = List.copyOf(models);
    }

    /**
     * @param activations C_act per group id (O×O, row-major); required when {@code method.usesActivations()}
     */
    public MergePlan run(MergeMethod method, Options options, Map<Integer, double[]> activations) {
        similarityNanos = 0;
        matchingNanos = 0;
        int numModels = models.size();
        if (method.usesActivations()) {
            for (UnitGroup g : groups.groups()) {
                double[] c = activations == null ? null : activations.get(g.id());
                int o = numModels * g.width();
                if (c == null || c.length != o * o) {
                    throw new IllegalArgumentException(method + " needs the " + o + "x" + o
                            + " activation similarity of group " + g.name());
                }
            }
        }
        MatchState state = MatchState.empty();
        if (method.family() == MergeMethod.Family.IDENTITY) {
            // Weight average: every sweep would re-derive the identity, so the search is skipped (same result).
            for (UnitGroup g : groups.groups()) {
                state = state.with(g.id(), IdentityMatcher.of(numModels, g.width()));
            }
            return plan(method, options, state, List.of(), meanValue(state));
        }
        if (method.usesActivations()) {
            for (UnitGroup g : groups.groups()) {
                state = state.with(g.id(), timedMatch(method, g, activations.get(g.id())));
            }
            log.info("{}: activation initialisation, mean matched similarity {}", method, fmt(meanValue(state)));
        }
        if (!method.sweepsWeights()) {
            return plan(method, options, state, List.of(), meanValue(state));
        }
        return sweep(method, options, activations, state);
    }

    private MergePlan sweep(MergeMethod method, Options options, Map<Integer, double[]> activations,
                            MatchState initial) {
        SweepOrder.Sequence orders = options.order().start(options.seed(), groups.size());
        MatchState state = initial;
        MatchState best = null;
        double bestObjective = 0;
        int bad = 0;
        List<MergePlan.Sweep> sweeps = new ArrayList<>();
        try (ProgressBar bar = Progress.start("sweeps " + method, options.maxSweeps(), "sweep", log)) {
            for (int it = 0; it < options.maxSweeps(); it++) {
                double[] values = new double[groups.size()];
                for (int p : orders.next()) {
                    UnitGroup g = groups.get(p);
                    double[] s = similarity(g, state, method, options, activations);
                    UnitMatch m = timedMatch(method, g, s);
                    state = state.with(p, m);
                    values[p] = m.value();
                }
                double objective = mean(values);
                boolean improved = best == null || objective > bestObjective;
                sweeps.add(new MergePlan.Sweep(it, objective, improved));
                log.info("{} sweep {}: objective {}{}", method, it, fmt(objective), improved ? "" : " (no gain, rolled back)");
                bar.step();
                if (improved) {
                    bad = 0;
                    best = state;
                    bestObjective = objective;
                } else {
                    bad++;
                    if (bad >= options.patience()) {
                        break;
                    }
                    state = best;
                }
            }
            bar.maxHint(sweeps.size()); // the search usually stops long before maxSweeps
        }
        return plan(method, options, best, sweeps, bestObjective);
    }

    private MergePlan plan(MergeMethod method, Options options, MatchState state, List<MergePlan.Sweep> sweeps,
                           double objective) {
        return new MergePlan(method, options.alpha(), state, sweeps, objective, similarityNanos / 1e9,
                matchingNanos / 1e9);
    }

    private UnitMatch timedMatch(MergeMethod method, UnitGroup g, double[] similarity) {
        long t = System.nanoTime();
        UnitMatch m = matcherFor(method, g).match(similarity, models.size(), g.width());
        matchingNanos += System.nanoTime() - t;
        return m;
    }

    private double[] similarity(UnitGroup g, MatchState state, MergeMethod method, Options options,
                                Map<Integer, double[]> activations) {
        long t = System.nanoTime();
        WeightVectors.Stacked v = WeightVectors.of(g, groups, models, state);
        double[] cw = WeightCorrelation.correlation(v.values(), v.units(), v.dim());
        similarityNanos += System.nanoTime() - t;
        return method.mixesSimilarities() ? MixedSimilarity.mix(options.alpha(), cw, activations.get(g.id())) : cw;
    }

    /** The matcher of ALGORITHM §10.1 for this group: the group-aware variant when the group has structure. */
    static Matcher matcherFor(MergeMethod method, UnitGroup g) {
        return switch (method.family()) {
            case IDENTITY -> new IdentityMatcher();
            case ALIGN -> g.isGrouped() ? new GroupAlignMatcher(g.groups()) : new AlignMatcher();
            case ZIP -> g.isGrouped() ? new GroupZipMatcher(g.groups()) : new ZipMatcher();
        };
    }

    private static double meanValue(MatchState state) {
        return state.matches().values().stream().mapToDouble(UnitMatch::value).average().orElse(0);
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static String fmt(double v) {
        return String.format(java.util.Locale.ROOT, "%.6f", v);
    }
}

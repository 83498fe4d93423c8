package org.mudsc4j.sweep;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleFunction;
import org.deeplearning4j.arbiter.optimize.api.Candidate;
import org.deeplearning4j.arbiter.optimize.api.CandidateGenerator;
import org.deeplearning4j.arbiter.optimize.api.OptimizationResult;
import org.deeplearning4j.arbiter.optimize.api.TaskCreator;
import org.deeplearning4j.arbiter.optimize.api.data.DataProvider;
import org.deeplearning4j.arbiter.optimize.api.data.DataSource;
import org.deeplearning4j.arbiter.optimize.api.saving.InMemoryResultSaver;
import org.deeplearning4j.arbiter.optimize.api.score.ScoreFunction;
import org.deeplearning4j.arbiter.optimize.api.termination.MaxCandidatesCondition;
import org.deeplearning4j.arbiter.optimize.config.OptimizationConfiguration;
import org.deeplearning4j.arbiter.optimize.generator.GridSearchCandidateGenerator;
import org.deeplearning4j.arbiter.optimize.generator.RandomSearchGenerator;
import org.deeplearning4j.arbiter.optimize.parameter.continuous.ContinuousParameterSpace;
import org.deeplearning4j.arbiter.optimize.runner.CandidateInfo;
import org.deeplearning4j.arbiter.optimize.runner.IOptimizationRunner;
import org.deeplearning4j.arbiter.optimize.runner.LocalOptimizationRunner;
import org.deeplearning4j.arbiter.optimize.runner.listener.StatusListener;
import org.mudsc4j.eval.Accuracies;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the balanced factor α as the reference does (ALGORITHM §10.2): evaluate the merge at every candidate α on
 * <b>training</b> data and keep the α with the highest <b>Joint</b> accuracy (the reference leaves the metric
 * unstated; Joint is the table's headline column). Candidates come from Arbiter: a grid over [min, max] (the
 * reference's {0.1, …, 0.9} is {@code min 0.1, max 0.9, count 9}) or seeded random search. Candidates run one at a
 * time (each merge already uses all cores). Ties go to the candidate evaluated first.
 */
public final class AlphaSweep {
    private static final Logger LOG = LoggerFactory.getLogger(AlphaSweep.class);

    private AlphaSweep() {
    }

    /** One evaluated candidate. */
    public record Point(double alpha, Accuracies accuracies) {
    }

    /** All candidates in evaluation order and the chosen one. */
    public record Outcome(List<Point> points, Point best) {
        /** Points sorted by α (for plots). */
        public List<Point> byAlpha() {
            List<Point> sorted = new ArrayList<>(points);
            sorted.sort(Comparator.comparingDouble(Point::alpha));
            return sorted;
        }
    }

    /**
     * @param settings grid or random search, range and count
     * @param evaluate α → accuracies of the merged model on the selection (training) data
     */
    public static Outcome run(ExperimentDefinition.AlphaSettings settings, DoubleFunction<Accuracies> evaluate) {
        ContinuousParameterSpace space = new ContinuousParameterSpace(settings.min(), settings.max());
        CandidateGenerator generator = settings.search().equals("grid")
                ? new GridSearchCandidateGenerator(space, settings.count(), GridSearchCandidateGenerator.Mode.Sequential,
                        null)
                : new RandomSearchGenerator(space, null);
        OptimizationConfiguration conf = new OptimizationConfiguration.Builder()
                .candidateGenerator(generator)
                .dataProvider(new NoData())
                .scoreFunction(new JointAccuracy())
                .modelSaver(new InMemoryResultSaver())
                .terminationConditions(new MaxCandidatesCondition(settings.count()))
                .rngSeed(settings.seed())
                .build();
        List<Point> points = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        IOptimizationRunner runner = new LocalOptimizationRunner(1, conf,
                new MergeTaskCreator(evaluate, points, failure));
        runner.execute();
        if (failure.get() != null) {
            throw new IllegalStateException("alpha search failed: " + failure.get().getMessage(), failure.get());
        }
        List<Point> ordered = new ArrayList<>(points);
        Point best = null;
        for (Point p : ordered) {
            if (best == null || p.accuracies().joint() > best.accuracies().joint()) {
                best = p;
            }
        }
        if (best == null) {
            throw new IllegalStateException("the alpha search evaluated no candidate");
        }
        LOG.info("alpha search ({} candidates): best alpha {} with training Joint {}", ordered.size(), best.alpha(),
                String.format(java.util.Locale.ROOT, "%.4f", best.accuracies().joint()));
        return new Outcome(List.copyOf(ordered), best);
    }

    /** Grid values carry floating-point noise (0.30000000000000004); round to 1e-9 for reports and file names. */
    static double clean(double alpha) {
        return Math.round(alpha * 1e9) / 1e9;
    }

    /** Runs one merge + evaluation per candidate; the "model" Arbiter sees is the accuracies record. */
    private record MergeTaskCreator(DoubleFunction<Accuracies> evaluate, List<Point> sink,
                                    AtomicReference<RuntimeException> failure) implements TaskCreator {
        @Override
        public Callable<OptimizationResult> create(Candidate candidate, DataProvider dataProvider,
                                                   ScoreFunction scoreFunction, List<StatusListener> statusListeners,
                                                   IOptimizationRunner runner) {
            return () -> {
                if (failure.get() != null) {
                    throw new IllegalStateException("skipped after an earlier candidate failed");
                }
                double alpha = clean((Double) candidate.getValue());
                Accuracies acc;
                try {
                    acc = evaluate.apply(alpha);
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e); // Arbiter only logs task failures; keep the first for the caller
                    throw e;
                }
                sink.add(new Point(alpha, acc));
                CandidateInfo info = new CandidateInfo(candidate.getIndex(),
                        org.deeplearning4j.arbiter.optimize.runner.CandidateStatus.Complete, acc.joint(),
                        System.currentTimeMillis(), null, System.currentTimeMillis(), candidate.getFlatParameters(),
                        null);
                return new OptimizationResult(candidate, acc.joint(), candidate.getIndex(), acc, info, null);
            };
        }

        @Override
        public Callable<OptimizationResult> create(Candidate candidate, Class<? extends DataSource> dataSource,
                                                   java.util.Properties dataSourceProperties,
                                                   ScoreFunction scoreFunction, List<StatusListener> statusListeners,
                                                   IOptimizationRunner runner) {
            return create(candidate, (DataProvider) null, scoreFunction, statusListeners, runner);
        }
    }

    /** Joint accuracy, maximised; the merge tasks compute it themselves. */
    private static final class JointAccuracy implements ScoreFunction {
        @Override
        public double score(Object model, DataProvider dataProvider, Map<String, Object> dataParameters) {
            return ((Accuracies) model).joint();
        }

        @Override
        public double score(Object model, Class<? extends DataSource> dataSource, java.util.Properties props) {
            return ((Accuracies) model).joint();
        }

        @Override
        public boolean minimize() {
            return false;
        }

        @Override
        public List<Class<?>> getSupportedModelTypes() {
            return List.of(Accuracies.class);
        }

        @Override
        public List<Class<?>> getSupportedDataTypes() {
            return List.of(Object.class);
        }
    }

    /** The merge tasks hold their own data; Arbiter requires a provider. */
    private static final class NoData implements DataProvider {
        @Override
        public Object trainData(Map<String, Object> dataParameters) {
            return null;
        }

        @Override
        public Object testData(Map<String, Object> dataParameters) {
            return null;
        }

        @Override
        public Class<?> getDataType() {
            return Object.class;
        }
    }
}

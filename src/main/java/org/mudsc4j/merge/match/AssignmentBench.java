package org.mudsc4j.merge.match;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Micro-benchmark of {@link LinearAssignment} on seeded random matrices, to compare with SciPy's
 * {@code linear_sum_assignment} (peer script {@code scipy_lap_bench.py}). Prints the median wall time per size for
 * three instance kinds: uniform [0,1), standard normal, and "aligned" (permuted identity + 0.3·N(0,1)).
 *
 * <p>Usage: {@code java ... org.mudsc4j.merge.match.AssignmentBench [n ...]} (default 256 512 1024 2048).
 * This is a command-line tool, so it writes its table to standard output.
 */
public final class AssignmentBench {

    private AssignmentBench() {
    }

    /** Median solve times in milliseconds at one size, per instance kind. */
    public record SolverTiming(int n, double uniformMs, double normalMs, double alignedMs) {
    }

    public static void main(String[] args) {
        int[] sizes = args.length == 0 ? new int[] {256, 512, 1024, 2048}
                : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        for (SolverTiming t : run(sizes)) {
            System.out.printf(Locale.ROOT, "n=%d: uniform %.1f ms normal %.1f ms aligned %.1f ms%n", t.n(),
                    t.uniformMs(), t.normalMs(), t.alignedMs());
        }
    }

    /** Times the solver on seeded random instances of each size (median of 3–9 repetitions). */
    public static java.util.List<SolverTiming> run(int[] sizes) {
        SplittableRandom rng = new SplittableRandom(0);
        // Warm-up so the JIT has compiled the hot loops before timing.
        for (int w = 0; w < 5; w++) {
            LinearAssignment.solveMax(uniform(rng, 256), 256);
        }
        java.util.List<SolverTiming> out = new java.util.ArrayList<>();
        for (int n : sizes) {
            int reps = n >= 2048 ? 3 : n >= 1024 ? 5 : 9;
            double[] medians = new double[3];
            String[] kinds = {"uniform", "normal", "aligned"};
            for (int k = 0; k < kinds.length; k++) {
                double[] times = new double[reps];
                for (int r = 0; r < reps; r++) {
                    double[] w = k == 0 ? uniform(rng, n) : k == 1 ? normal(rng, n) : aligned(rng, n);
                    long t0 = System.nanoTime();
                    LinearAssignment.solveMax(w, n);
                    times[r] = (System.nanoTime() - t0) / 1e6;
                }
                Arrays.sort(times);
                medians[k] = times[reps / 2];
            }
            out.add(new SolverTiming(n, medians[0], medians[1], medians[2]));
        }
        return out;
    }

    private static double[] uniform(SplittableRandom rng, int n) {
        double[] w = new double[n * n];
        for (int k = 0; k < w.length; k++) {
            w[k] = rng.nextDouble();
        }
        return w;
    }

    private static double[] normal(SplittableRandom rng, int n) {
        double[] w = new double[n * n];
        for (int k = 0; k < w.length; k++) {
            w[k] = gaussian(rng);
        }
        return w;
    }

    private static double[] aligned(SplittableRandom rng, int n) {
        double[] w = new double[n * n];
        for (int k = 0; k < w.length; k++) {
            w[k] = 0.3 * gaussian(rng);
        }
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        for (int i = 0; i < n; i++) {
            w[i * n + perm[i]] += 1.0;
        }
        return w;
    }

    private static double gaussian(SplittableRandom rng) {
        // Box–Muller; SplittableRandom has no nextGaussian in Java 17.
        double a = 1.0 - rng.nextDouble();
        double b = rng.nextDouble();
        return Math.sqrt(-2.0 * Math.log(a)) * Math.cos(2.0 * Math.PI * b);
    }
}

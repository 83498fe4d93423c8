package org.mudsc4j.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;

/**
 * Wall-clock breakdown of one thread's time by the layer or graph vertex it is working in, from stack samples taken
 * every few milliseconds by a daemon thread.
 *
 * <p>Why not Java Flight Recorder: JFR samples only threads that run Java or native code on their own, so time the
 * training thread spends waiting for OpenMP or fork-join workers (most of a multi-threaded kernel) never shows up,
 * and worker threads are counted on top. Sampling the training thread's stack attributes every moment of a step,
 * waits included, to the innermost layer or vertex method on it (e.g. {@code BatchNormalization.backpropGradient}),
 * or else to the updater, the loss or the graph's own bookkeeping.
 */
public final class StepProfiler implements AutoCloseable {
    private static final long PERIOD_MS = 2;
    private final Thread target;
    private final Thread sampler;
    private final Map<String, Long> counts = new ConcurrentHashMap<>();
    private final Map<String, Boolean> isLayerClass = new ConcurrentHashMap<>();
    private volatile boolean running = true;

    private StepProfiler(Thread target) {
        this.target = target;
        this.sampler = new Thread(this::sampleLoop, "step-profiler");
        sampler.setDaemon(true);
    }

    /** Starts sampling {@code target} (usually the calling thread). */
    public static StepProfiler start(Thread target) {
        StepProfiler p = new StepProfiler(target);
        p.sampler.start();
        return p;
    }

    private void sampleLoop() {
        while (running) {
            counts.merge(owner(target.getStackTrace()), 1L, Long::sum);
            try {
                Thread.sleep(PERIOD_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The innermost layer or vertex frame of a stack, or a coarse bucket when there is none. */
    String owner(StackTraceElement[] stack) {
        for (StackTraceElement e : stack) {
            if (isLayerOrVertex(e.getClassName())) {
                String cls = e.getClassName().replace("$Runtime", ""); // our layers' runtime classes
                return cls.substring(cls.lastIndexOf('.') + 1) + "." + e.getMethodName();
            }
        }
        for (StackTraceElement e : stack) {
            String cls = e.getClassName();
            if (cls.startsWith("org.deeplearning4j.nn.updater") || cls.startsWith("org.mudsc4j.train.SgdMomentum")) {
                return "updater (SGD momentum, weight decay)";
            }
            if (cls.endsWith("CosineHeadLoss")) {
                return "loss (cosine head)";
            }
        }
        return "graph bookkeeping and other";
    }

    private boolean isLayerOrVertex(String className) {
        return isLayerClass.computeIfAbsent(className, n -> {
            try {
                Class<?> c = Class.forName(n, false, StepProfiler.class.getClassLoader());
                return Layer.class.isAssignableFrom(c) || GraphVertex.class.isAssignableFrom(c);
            } catch (ClassNotFoundException | LinkageError e) {
                return false;
            }
        });
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
        try {
            sampler.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Share of the samples per owner, largest first (sums to 1). */
    public Map<String, Double> shares() {
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        Map<String, Double> out = new LinkedHashMap<>();
        counts.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                .forEach(e -> out.put(e.getKey(), total == 0 ? 0 : e.getValue() / (double) total));
        return out;
    }
}

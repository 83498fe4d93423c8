package org.mudsc4j.eval;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Accumulates the paper's accuracies (ALGORITHM.md §3.3) over batches for a set of tasks (normally two):
 * per task, the task-aware accuracy (argmax restricted to the task that contains the true class, i.e. oracle
 * task identity) over that task's images; and the Joint accuracy (argmax over the union of all tasks'
 * classes, in task order) over all images. Labels are global class ids. Not thread-safe.
 */
public final class TaskAccuracy {
    private final EmbeddingClassifier classifier;
    private final List<int[]> tasks;
    private final int[] union;
    /** Where each task's classes start in {@link #union}. */
    private final int[] taskStart;
    private final Map<Integer, Integer> taskOfClass = new HashMap<>();
    private final List<AccuracyCounter> perTask = new ArrayList<>();
    private final AccuracyCounter joint = new AccuracyCounter();

    /** @param tasks each task's global class ids, in split order; tasks must be disjoint */
    public TaskAccuracy(EmbeddingClassifier classifier, List<int[]> tasks) {
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("At least one task is needed");
        }
        this.classifier = classifier;
        this.tasks = new ArrayList<>();
        List<Integer> all = new ArrayList<>();
        for (int t = 0; t < tasks.size(); t++) {
            int[] classes = tasks.get(t).clone();
            if (classes.length == 0) {
                throw new IllegalArgumentException("Task " + t + " has no classes");
            }
            for (int c : classes) {
                Integer previous = taskOfClass.put(c, t);
                if (previous != null) {
                    throw new IllegalArgumentException("Class " + c + " belongs to tasks " + previous + " and " + t
                            + ": tasks must be disjoint");
                }
                all.add(c);
            }
            this.tasks.add(classes);
            perTask.add(new AccuracyCounter());
        }
        this.union = all.stream().mapToInt(Integer::intValue).toArray();
        this.taskStart = new int[tasks.size()];
        for (int t = 1; t < tasks.size(); t++) {
            taskStart[t] = taskStart[t - 1] + tasks.get(t - 1).length;
        }
    }

    /** Scores one batch: embeddings {@code [B, d]} (network outputs) and their global class labels. */
    public void add(INDArray embeddings, int[] globalLabels) {
        if (embeddings.rank() != 2 || embeddings.size(0) != globalLabels.length) {
            throw new IllegalArgumentException("Embeddings " + Arrays.toString(embeddings.shape()) + " do not match "
                    + globalLabels.length + " labels");
        }
        // one similarity table against every class: the task-aware predictions read their task's columns of it
        float[][] sims = classifier.similarities(embeddings, union);
        for (int i = 0; i < globalLabels.length; i++) {
            Integer t = taskOfClass.get(globalLabels[i]);
            if (t == null) {
                throw new IllegalArgumentException("Label " + globalLabels[i] + " belongs to none of the tasks");
            }
            joint.add(union[argmax(sims[i], 0, union.length)] == globalLabels[i]);
            int from = taskStart[t];
            perTask.get(t).add(union[argmax(sims[i], from, from + tasks.get(t).length)] == globalLabels[i]);
        }
    }

    /** Position of the first maximum of {@code v[from..to)}, as {@link EmbeddingClassifier#argmax}. */
    private static int argmax(float[] v, int from, int to) {
        int best = from;
        for (int k = from + 1; k < to; k++) {
            if (v[k] > v[best]) {
                best = k;
            }
        }
        return best;
    }

    public AccuracyCounter joint() {
        return joint;
    }

    public AccuracyCounter task(int index) {
        return perTask.get(index);
    }

    public int numTasks() {
        return tasks.size();
    }

    /** Joint / Task A / Task B / Avg; requires exactly two tasks with at least one image each. */
    public Accuracies accuracies() {
        if (tasks.size() != 2) {
            throw new IllegalStateException("Joint/Task A/Task B/Avg needs exactly 2 tasks, have " + tasks.size());
        }
        return Accuracies.of(joint.accuracy(), perTask.get(0).accuracy(), perTask.get(1).accuracy());
    }

}

package org.mudsc4j.eval;

/**
 * The paper's accuracy columns for a pair of tasks (ALGORITHM.md §3.3), each in [0, 1].
 *
 * @param joint Joint: argmax over the union of both tasks' classes
 * @param taskA Task A: task-aware argmax (oracle task id) over images of task A
 * @param taskB Task B: the same for task B
 * @param avg   "Per Task Avg" = (Task A + Task B) / 2
 */
public record Accuracies(double joint, double taskA, double taskB, double avg) {
    /** Derives {@code avg} from the two task accuracies. */
    public static Accuracies of(double joint, double taskA, double taskB) {
        return new Accuracies(joint, taskA, taskB, (taskA + taskB) / 2);
    }
}

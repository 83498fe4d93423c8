package org.mudsc4j.eval.landscape;

import java.util.List;
import org.mudsc4j.data.ClassSplit;
import org.mudsc4j.data.ImageDataset;

/**
 * A pair of binary tasks over all ten Fashion-MNIST classes for the loss-landscape figure (ALGORITHM §11: the
 * reference uses "prime" and "odd" digits of MNIST, which is not bundled). Both tasks label every image, so the two
 * MLPs see the same inputs with different targets.
 *
 * <ul>
 *   <li>{@link #GARMENTS} (the default): task A "footwear" (sandal, sneaker, ankle boot vs the rest) and task B
 *       "upper-body garment" (T-shirt/top, pullover, coat, shirt vs the rest): natural, overlapping, neither identical
 *       nor complementary.</li>
 *   <li>{@link #PRIME_ODD}: the reference's own label functions applied to the class index: task A "prime" (classes
 *       2, 3, 5, 7: pullover, dress, sandal, sneaker) and task B "odd" (classes 1, 3, 5, 7, 9). Like prime/odd on
 *       digits, each task groups visually unrelated classes, and the two share three of their positives.</li>
 * </ul>
 *
 * <p>Labels live in one 4-class space so the two tasks get distinct class embeddings: 0 = task A negative, 1 = task A
 * positive, 2 = task B negative, 3 = task B positive.
 *
 * @param id         the name on the command line and in checkpoint file names
 * @param classNames the four class names of that space
 * @param positivesA Fashion-MNIST classes labelled positive by task A
 * @param positivesB likewise for task B
 */
public record BinaryTasks(String id, List<String> classNames, int[] positivesA, int[] positivesB) {
    public static final ClassSplit TASK_A = new ClassSplit(new int[] {0, 1}, 4);
    public static final ClassSplit TASK_B = new ClassSplit(new int[] {2, 3}, 4);

    public static final BinaryTasks GARMENTS = new BinaryTasks("garments",
            List.of("not footwear", "footwear", "not upper-body", "upper-body"), new int[] {5, 7, 9},
            new int[] {0, 2, 4, 6});
    public static final BinaryTasks PRIME_ODD = new BinaryTasks("prime-odd",
            List.of("non-prime", "prime", "even", "odd"), new int[] {2, 3, 5, 7}, new int[] {1, 3, 5, 7, 9});

    /** The task pair named {@code id} ({@code garments} or {@code prime-odd}). */
    public static BinaryTasks parse(String id) {
        for (BinaryTasks t : List.of(GARMENTS, PRIME_ODD)) {
            if (t.id.equals(id)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown landscape task pair '" + id + "': expected " + GARMENTS.id
                + " or " + PRIME_ODD.id);
    }

    /** Fashion-MNIST images labelled for task A (labels 0/1). */
    public ImageDataset taskA(ImageDataset fashion) {
        return relabel(fashion, classNames.get(1), positivesA, 0);
    }

    /** Fashion-MNIST images labelled for task B (labels 2/3). */
    public ImageDataset taskB(ImageDataset fashion) {
        return relabel(fashion, classNames.get(3), positivesB, 2);
    }

    /** Task-A and task-B labels of every image, in the 4-class space. */
    public int[][] labels(ImageDataset fashion) {
        return new int[][] {taskA(fashion).labels(), taskB(fashion).labels()};
    }

    @Override
    public String toString() {
        return id;
    }

    private ImageDataset relabel(ImageDataset fashion, String task, int[] positives, int offset) {
        if (fashion.numClasses() != 10) {
            throw new IllegalArgumentException("the landscape tasks need Fashion-MNIST's 10 classes, got "
                    + fashion.numClasses());
        }
        int[] labels = new int[fashion.size()];
        for (int i = 0; i < labels.length; i++) {
            int y = fashion.label(i);
            boolean positive = false;
            for (int p : positives) {
                positive |= p == y;
            }
            labels[i] = offset + (positive ? 1 : 0);
        }
        return fashion.relabeled(fashion.name() + "/" + task, classNames, labels);
    }
}

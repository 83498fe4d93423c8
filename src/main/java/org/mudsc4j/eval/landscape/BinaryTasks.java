package org.mudsc4j.eval.landscape;

import java.util.List;
import org.mudsc4j.data.ClassSplit;
import org.mudsc4j.data.ImageDataset;

/**
 * The two binary tasks of the loss-landscape figure, defined on Fashion-MNIST (the reference uses "prime" and "odd"
 * digits of MNIST, ALGORITHM §11, which is not bundled): task A "footwear" (sandal, sneaker, ankle boot vs the rest)
 * and task B "upper-body garment" (T-shirt/top, pullover, coat, shirt vs the rest). Both are natural, overlap on
 * every image, and are neither identical nor complementary, like prime/odd.
 *
 * <p>Labels live in one 4-class space so the two tasks get distinct class embeddings:
 * 0 = not footwear, 1 = footwear (task A), 2 = not upper-body, 3 = upper-body (task B).
 */
public final class BinaryTasks {
    public static final List<String> CLASS_NAMES = List.of("not footwear", "footwear", "not upper-body", "upper-body");
    public static final ClassSplit TASK_A = new ClassSplit(new int[] {0, 1}, 4);
    public static final ClassSplit TASK_B = new ClassSplit(new int[] {2, 3}, 4);
    private static final int[] FOOTWEAR = {5, 7, 9};
    private static final int[] UPPER_BODY = {0, 2, 4, 6};

    private BinaryTasks() {
    }

    /** Fashion-MNIST images labelled for task A (labels 0/1). */
    public static ImageDataset taskA(ImageDataset fashion) {
        return relabel(fashion, "footwear", FOOTWEAR, 0);
    }

    /** Fashion-MNIST images labelled for task B (labels 2/3). */
    public static ImageDataset taskB(ImageDataset fashion) {
        return relabel(fashion, "upper-body", UPPER_BODY, 2);
    }

    /** Task-A and task-B labels of every image, in the 4-class space. */
    public static int[][] labels(ImageDataset fashion) {
        return new int[][] {taskA(fashion).labels(), taskB(fashion).labels()};
    }

    private static ImageDataset relabel(ImageDataset fashion, String task, int[] positives, int offset) {
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
        return fashion.relabeled(fashion.name() + "/" + task, CLASS_NAMES, labels);
    }
}

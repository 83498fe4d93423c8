package org.mudsc4j.eval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mudsc4j.train.ClassEmbeddings;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EvalTest {
    /** Four classes on the axes of R^4 (written through .npy so the rows are exact). */
    private static ClassEmbeddings axes(Path dir) throws IOException {
        Path file = dir.resolve("axes.npy");
        Nd4j.writeAsNumpy(Nd4j.eye(4).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT), file.toFile());
        return ClassEmbeddings.load(file, 4);
    }

    @Test
    void predictsByCosineWithinAListAndReturnsGlobalIds(@TempDir Path dir) throws IOException {
        EmbeddingClassifier c = new EmbeddingClassifier(axes(dir));
        INDArray e = Nd4j.create(new float[][]{
                {10, 1, 0, 0},   // class 0
                {0, 0.1f, 0.2f, 0}, // class 2 (scale does not matter)
                {0, 0, 0, 0},    // zero vector: first listed class
                {-1, 0, 0, -2},  // negative on 0 and 3, zero on 1 and 2: first of the zeros wins
        });
        assertArrayEquals(new int[]{0, 2, 0, 1}, c.predict(e, new int[]{0, 1, 2, 3}));
        assertArrayEquals(new int[]{0, 0, 0, 0}, c.predict(e, new int[]{0}));
        assertArrayEquals(new int[]{0, 3, 3, 0}, c.predict(e, new int[]{3, 0})); // ties: first listed
        assertArrayEquals(new int[]{1, 2, 3, 1}, c.predict(e, new int[]{3, 1, 2}));
        assertArrayEquals(new int[]{1, 2, 0, 1}, c.predictLocal(e, new int[]{3, 1, 2}));
        float[][] sims = c.similarities(e, new int[]{0, 1});
        assertEquals(10 / Math.sqrt(101), sims[0][0], 1e-6);
        assertEquals(0f, sims[2][1]);
    }

    @Test
    void taskAccuracyUsesOracleTaskAndJointUsesUnion(@TempDir Path dir) throws IOException {
        TaskAccuracy acc = new TaskAccuracy(new EmbeddingClassifier(axes(dir)),
                List.of(new int[]{2, 0}, new int[]{1, 3}));
        INDArray e = Nd4j.create(new float[][]{
                {1, 0, 0, 0},       // label 0: joint ✓, task A ✓
                {0, 1, 0.5f, 0},    // label 2: joint ✗ (1), task A {2,0} → 2 ✓
                {0, 0, 0, 1},       // label 1: joint ✗ (3), task B ✗ (3)
                {0, 0.2f, 0, 1},    // label 3: joint ✓, task B ✓
                {0, 1, 0, 0},       // label 1: joint ✓, task B ✓
        });
        acc.add(e.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 2)), new int[]{0, 2});
        acc.add(e.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(2, 5)), new int[]{1, 3, 1});
        assertEquals(3, acc.joint().correct());
        assertEquals(5, acc.joint().total());
        assertEquals("2/2", acc.task(0).toString());
        assertEquals("2/3", acc.task(1).toString());
        Accuracies a = acc.accuracies();
        assertEquals(0.6, a.joint(), 1e-12);
        assertEquals(1.0, a.taskA(), 1e-12);
        assertEquals(2.0 / 3, a.taskB(), 1e-12);
        assertEquals((1.0 + 2.0 / 3) / 2, a.avg(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> acc.add(Nd4j.create(new float[][]{{1, 0, 0, 0}}),
                new int[]{9}));
        assertThrows(IllegalArgumentException.class, () -> new TaskAccuracy(new EmbeddingClassifier(axes(dir)),
                List.of(new int[]{0, 1}, new int[]{1, 2})));
    }

    @Test
    void counterAccumulatesAndRefusesEmpty() {
        AccuracyCounter c = new AccuracyCounter();
        assertThrows(IllegalStateException.class, c::accuracy);
        c.add(new int[]{1, 2, 3}, new int[]{1, 0, 3});
        AccuracyCounter other = new AccuracyCounter();
        other.add(true);
        c.addAll(other);
        assertEquals(0.75, c.accuracy());
        assertThrows(IllegalArgumentException.class, () -> c.add(new int[]{1}, new int[]{1, 2}));
    }
}

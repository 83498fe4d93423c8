package org.mudsc4j.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClassEmbeddingsTest {
    @Test
    void seededIsDeterministicUnitAndNamed() {
        ClassEmbeddings a = ClassEmbeddings.seeded(10, 0);
        ClassEmbeddings b = ClassEmbeddings.seeded(10, 0);
        assertEquals("seeded-unit:C=10,d=512,seed=0", a.source());
        assertTrue(a.id().matches("sha256:[0-9a-f]{16}"), a.id());
        assertEquals(a.id(), b.id());
        assertNotEquals(a.id(), ClassEmbeddings.seeded(10, 1).id());
        // Checkpoints written before ids were content hashes recorded the recipe; it names the same matrix.
        assertTrue(a.matches("seeded-unit:C=10,d=512,seed=0"));
        assertFalse(a.matches("seeded-unit:C=10,d=512,seed=1"));
        assertEquals("file:old.npy:sha256:0123", ClassEmbeddings.canonicalId("file:old.npy:sha256:0123"));
        assertArrayEquals(a.rowsFlat(new int[]{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}),
                b.rowsFlat(new int[]{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
        assertNotEquals(a.row(3)[0], ClassEmbeddings.seeded(10, 1).row(3)[0]);
        for (int c = 0; c < 10; c++) {
            double sq = 0;
            for (float v : a.row(c)) {
                sq += v * v;
            }
            assertEquals(1.0, sq, 1e-5);
        }
        // Random 512-d unit vectors are nearly orthogonal.
        double dot = 0;
        for (int j = 0; j < 512; j++) {
            dot += a.row(0)[j] * a.row(1)[j];
        }
        assertTrue(Math.abs(dot) < 0.3, "dot " + dot);
    }

    @Test
    void rowsFollowTheGivenOrder() {
        ClassEmbeddings e = ClassEmbeddings.seeded(6, 4, 9);
        INDArray rows = e.rows(new int[]{5, 0, 3});
        assertArrayEquals(e.row(5), rows.getRow(0).toFloatVector());
        assertArrayEquals(e.row(0), rows.getRow(1).toFloatVector());
        assertArrayEquals(e.row(3), rows.getRow(2).toFloatVector());
        assertThrows(IllegalArgumentException.class, () -> e.rows(new int[]{6}));
    }

    @Test
    void saveLoadRoundTripNormalisesAndHashes(@TempDir Path dir) throws IOException {
        ClassEmbeddings e = ClassEmbeddings.seeded(5, 8, 2);
        Path file = dir.resolve("emb.npy");
        e.save(file);
        ClassEmbeddings back = ClassEmbeddings.load(file, 5);
        // An exported matrix reads back bit for bit, so it is recognised as the same space.
        assertArrayEquals(e.rowsFlat(new int[]{0, 1, 2, 3, 4}), back.rowsFlat(new int[]{0, 1, 2, 3, 4}));
        assertEquals(e.id(), back.id());
        assertTrue(back.matches("seeded-unit:C=5,d=8,seed=2"));
        assertEquals("file:" + file, back.source());
        assertTrue(back.matches("file:emb.npy:sha256:" + FileHashes.sha256Hex(file).substring(0, 16)));
        assertFalse(back.matches("file:emb.npy:sha256:0000000000000000"));

        Path raw = dir.resolve("raw.npy");
        Nd4j.writeAsNumpy(Nd4j.create(new float[][]{{3, 4}, {0, 2}}), raw.toFile());
        ClassEmbeddings normalised = ClassEmbeddings.load(raw, -1);
        assertArrayEquals(new float[]{0.6f, 0.8f}, normalised.row(0), 1e-7f);
        assertArrayEquals(new float[]{0f, 1f}, normalised.row(1), 1e-7f);
        // Any change to the matrix changes the id.
        Path scaled = dir.resolve("scaled.npy");
        Nd4j.writeAsNumpy(Nd4j.create(new float[][]{{3, 4.01f}, {0, 2}}), scaled.toFile());
        assertNotEquals(normalised.id(), ClassEmbeddings.load(scaled, -1).id());
    }

    @Test
    void loadRejectsBadFilesClearly(@TempDir Path dir) throws IOException {
        Path wrongRows = dir.resolve("rows.npy");
        Nd4j.writeAsNumpy(Nd4j.create(new float[][]{{1, 0}, {0, 1}}), wrongRows.toFile());
        IOException e = assertThrows(IOException.class, () -> ClassEmbeddings.load(wrongRows, 3));
        assertTrue(e.getMessage().contains("3 classes"), e.getMessage());

        Path vector = dir.resolve("vec.npy");
        Nd4j.writeAsNumpy(Nd4j.create(new float[]{1, 2, 3}), vector.toFile());
        e = assertThrows(IOException.class, () -> ClassEmbeddings.load(vector, -1));
        assertTrue(e.getMessage().contains("2-D"), e.getMessage());

        Path nan = dir.resolve("nan.npy");
        Nd4j.writeAsNumpy(Nd4j.create(new float[][]{{1, Float.NaN}}), nan.toFile());
        e = assertThrows(IOException.class, () -> ClassEmbeddings.load(nan, -1));
        assertTrue(e.getMessage().contains("non-finite"), e.getMessage());

        Path garbage = dir.resolve("garbage.npy");
        Files.writeString(garbage, "not numpy");
        assertThrows(IOException.class, () -> ClassEmbeddings.load(garbage, -1));
        assertThrows(IOException.class, () -> ClassEmbeddings.load(dir.resolve("absent.npy"), -1));
    }
}

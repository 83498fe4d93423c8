package org.mudsc4j.data;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetKindTest {
    @Test
    void parsesCommonSpellings() {
        assertEquals(DatasetKind.FASHION_MNIST, DatasetKind.parse("fashion-mnist"));
        assertEquals(DatasetKind.FASHION_MNIST, DatasetKind.parse("FashionMNIST"));
        assertEquals(DatasetKind.CIFAR10, DatasetKind.parse("cifar10"));
        assertEquals(DatasetKind.CIFAR10, DatasetKind.parse("CIFAR-10"));
        assertEquals(DatasetKind.CIFAR100, DatasetKind.parse("cifar_100"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DatasetKind.parse("mnist"));
        assertTrue(e.getMessage().contains("'mnist'") && e.getMessage().contains("cifar100"), e.getMessage());
    }

    @Test
    void cifarNormalisationIsTheReferenceConstantsForBothVariants() {
        double[] mean = {125.307 / 255, 122.961 / 255, 113.8575 / 255};
        double[] std = {51.5865 / 255, 50.847 / 255, 51.255 / 255};
        for (DatasetKind k : new DatasetKind[]{DatasetKind.CIFAR10, DatasetKind.CIFAR100}) {
            assertArrayEquals(mean, k.normalization().mean(), 1e-12);
            assertArrayEquals(std, k.normalization().std(), 1e-12);
        }
        assertEquals(0.4914, DatasetKind.CIFAR10.normalization().mean()[0], 1e-4);
    }

    @Test
    void lookupTableNormalisesUint8() {
        float[][] lut = DatasetKind.CIFAR10.normalization().lookupTable();
        assertEquals((0 - 125.307) / 51.5865, lut[0][0], 1e-5);
        assertEquals((255 - 113.8575) / 51.255, lut[2][255], 1e-5);
        assertThrows(IllegalArgumentException.class, () -> new Normalization(new double[]{0.5}, new double[]{0}));
    }

    @Test
    void shapesAndFolders() {
        assertEquals("cifar-10-batches-bin", DatasetKind.CIFAR10.dirName());
        assertEquals("cifar-100-binary", DatasetKind.CIFAR100.dirName());
        assertEquals("fashion-mnist", DatasetKind.FASHION_MNIST.dirName());
        assertEquals(100, DatasetKind.CIFAR100.numClasses());
        assertEquals(1, DatasetKind.FASHION_MNIST.channels());
        assertEquals(28, DatasetKind.FASHION_MNIST.height());
    }
}

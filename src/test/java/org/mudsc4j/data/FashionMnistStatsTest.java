package org.mudsc4j.data;

import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Re-derives the hard-coded Fashion-MNIST normalisation from the bundled training set. */
class FashionMnistStatsTest {
    @Test
    void hardCodedMeanAndStdMatchTheTrainingSet() throws IOException {
        ImageDataset train = Datasets.load(DatasetKind.FASHION_MNIST, IdxReaderTest.BUNDLED, true);
        double sum = 0;
        double sumSq = 0;
        for (int i = 0; i < train.size(); i++) {
            for (byte b : train.image(i)) {
                double v = (b & 0xff) / 255.0;
                sum += v;
                sumSq += v * v;
            }
        }
        long n = (long) train.size() * train.imageSize();
        double mean = sum / n;
        double std = Math.sqrt(sumSq / n - mean * mean);
        Normalization norm = DatasetKind.FASHION_MNIST.normalization();
        assertEquals(mean, norm.mean()[0], 5e-5, "mean " + mean);
        assertEquals(std, norm.std()[0], 5e-5, "std " + std);
    }
}

package org.mudsc4j.bench;

import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.mudsc4j.zoo.ModelSpec;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The multiply-adds one image costs in a graph's convolutions and dense layers: what any implementation of a forward
 * pass must compute (BatchNorm, ReLU, adds and pooling are a few percent more and not counted). Dividing a measured
 * rate by it gives the arithmetic rate a pass sustains, to compare with what the CPU can do at all.
 */
final class MultiplyAdds {
    private MultiplyAdds() {
    }

    static long perImage(ComputationGraph graph, ModelSpec.InputShape in) {
        ComputationGraphConfiguration conf = graph.getConfiguration();
        Map<String, InputType> outputs = conf.getLayerActivationTypes(
                InputType.convolutional(in.height(), in.width(), in.channels()));
        long total = 0;
        for (Map.Entry<String, GraphVertex> e : conf.getVertices().entrySet()) {
            if (!(e.getValue() instanceof LayerVertex v)) {
                continue;
            }
            Layer layer = v.getLayerConf().getLayer();
            if (layer instanceof ConvolutionLayer c) {
                InputType.InputTypeConvolutional out = (InputType.InputTypeConvolutional) outputs.get(e.getKey());
                total += out.getHeight() * out.getWidth() * c.getNOut() * c.getNIn()
                        * c.getKernelSize()[0] * c.getKernelSize()[1];
            } else if (layer instanceof DenseLayer d) {
                total += d.getNIn() * d.getNOut();
            }
        }
        return total;
    }

    /**
     * Multiply-adds per second of ND4J's float GEMM (OpenBLAS, all cores) on two {@code n × n} matrices, the best of
     * {@code repeats} runs: a practical ceiling for float arithmetic on this machine.
     */
    static double floatGemmRate(int n, int repeats) {
        INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray c = Nd4j.create(DataType.FLOAT, n, n);
        Nd4j.gemm(a, b, c, false, false, 1.0, 0.0); // warm-up: thread pool, pages
        double best = 0;
        for (int r = 0; r < repeats; r++) {
            long t = System.nanoTime();
            Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
            best = Math.max(best, (double) n * n * n / ((System.nanoTime() - t) / 1e9));
        }
        return best;
    }
}

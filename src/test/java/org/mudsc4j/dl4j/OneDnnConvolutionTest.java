package org.mudsc4j.dl4j;

import java.util.Arrays;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The directly driven oneDNN convolution against libnd4j's generic {@code conv2d}/{@code conv2d_bp} (DL4J's own
 * convolution ops, helpers off) on the same tensors, over the geometries DL4J layers can have; and, inside a graph, against the
 * stock layer, including a change of batch size between steps.
 */
class OneDnnConvolutionTest {
    /** {batch, inC, H, W, outC, kH, kW, sH, sW, pH, pW, dH, dW, bias} */
    private static final long[][] GEOMETRIES = {
            {4, 3, 8, 8, 16, 3, 3, 1, 1, 1, 1, 1, 1, 0},      // stem: 3 input channels
            {3, 16, 8, 8, 32, 3, 3, 2, 2, 1, 1, 1, 1, 0},     // downsampling 3x3
            {2, 8, 7, 9, 12, 1, 1, 2, 2, 0, 0, 1, 1, 0},      // 1x1 shortcut, odd sizes, truncation
            {2, 5, 11, 10, 6, 3, 2, 1, 2, 1, 0, 2, 1, 1},     // non-square kernel, dilation, bias
            {2, 3, 16, 16, 8, 4, 4, 4, 4, 0, 0, 1, 1, 1},     // ViT-style patch embedding
    };

    @Test
    void matchesLibnd4jConvolutionForwardAndBackward() {
        assertTrue(OneDnn.available(), "direct oneDNN must load on the CPU backend");
        for (long[] p : GEOMETRIES) {
            OneDnnConvolution.Geometry g = new OneDnnConvolution.Geometry(p[0], p[1], p[2], p[3], p[4], p[5], p[6],
                    p[7], p[8], p[9], p[10], p[11], p[12], p[13] == 1);
            Nd4j.getRandom().setSeed(Arrays.hashCode(p));
            INDArray x = Nd4j.randn(DataType.FLOAT, g.inputShape());
            INDArray w = Nd4j.randn(DataType.FLOAT, g.outChannels(), g.inChannels(), g.kernelH(), g.kernelW());
            INDArray b = g.bias() ? Nd4j.randn(DataType.FLOAT, g.outChannels()) : null;
            INDArray dy = Nd4j.randn(DataType.FLOAT, g.outputShape());

            OneDnnConvolution conv = new OneDnnConvolution(g);
            INDArray y = Nd4j.create(DataType.FLOAT, g.outputShape());
            INDArray dx = Nd4j.create(DataType.FLOAT, g.inputShape());
            INDArray dw = w.like();
            INDArray db = g.bias() ? b.like() : null;
            conv.forward(x, w, b, y);
            conv.backward(x, dy, w, dx, dw, db);

            INDArray[] ref = reference(g, x, w, b, dy);
            String where = Arrays.toString(p);
            assertClose(ref[0], y, where + " output");
            assertClose(ref[1], dx, where + " input gradient");
            assertClose(ref[2], dw, where + " weight gradient");
            if (g.bias()) {
                assertClose(ref[3], db, where + " bias gradient");
            }
            // backward again with an input the forward pass did not see: the kept blocked copy must not be reused
            INDArray x2 = x.mul(-0.5);
            conv.backward(x2, dy, w, dx, dw, db);
            assertClose(reference(g, x2, w, b, dy)[2], dw, where + " weight gradient for a new input");
        }
    }

    /** A small graph with the direct convolution trains to the same gradients as the stock one, at two batch sizes. */
    @Test
    void layerMatchesStockLayerAcrossBatchSizes() {
        ComputationGraph stock = new ComputationGraph(graph(false));
        stock.init();
        ComputationGraph direct = new ComputationGraph(graph(true));
        direct.init(stock.params().dup(), false);
        for (int batch : new int[] {6, 4, 6}) {
            Nd4j.getRandom().setSeed(batch);
            INDArray x = Nd4j.randn(DataType.FLOAT, batch, 3, 9, 9);
            INDArray y = Nd4j.zeros(DataType.FLOAT, batch, 4);
            for (int i = 0; i < batch; i++) {
                y.putScalar(i, i % 4, 1f);
            }
            Gradient g1 = gradient(stock, x, y);
            Gradient g2 = gradient(direct, x, y);
            for (String k : g1.gradientForVariable().keySet()) {
                assertClose(g1.getGradientFor(k), g2.getGradientFor(k), "batch " + batch + " " + k);
            }
            assertClose(stock.outputSingle(x), direct.outputSingle(x), "batch " + batch + " output");
        }
        long planned = Arrays.stream(direct.getLayers())
                .filter(l -> l instanceof DirectBackpropConvolution.Runtime)
                .mapToLong(l -> ((DirectBackpropConvolution.Runtime) l).plans()).sum();
        assertEquals(4, planned, "two convolutions, two batch sizes each: the oneDNN path must have run");
    }

    private static ComputationGraphConfiguration graph(boolean direct) {
        ConvolutionLayer c1 = new ConvolutionLayer.Builder(3, 3).nOut(8).stride(2, 2).padding(1, 1).hasBias(false)
                .convolutionMode(ConvolutionMode.Truncate).activation(Activation.IDENTITY).build();
        ConvolutionLayer c2 = new ConvolutionLayer.Builder(3, 3).nOut(6).padding(1, 1).hasBias(true)
                .convolutionMode(ConvolutionMode.Truncate).activation(Activation.IDENTITY).build();
        return new NeuralNetConfiguration.Builder().seed(3).weightInit(WeightInit.XAVIER).dataType(DataType.FLOAT)
                .graphBuilder().addInputs("in")
                .addLayer("c1", direct ? DirectBackpropConvolution.copyOf(c1) : c1, "in")
                .addLayer("c2", direct ? DirectBackpropConvolution.copyOf(c2) : c2, "c1")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "c2")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(4)
                        .activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("out").setInputTypes(InputType.convolutional(9, 9, 3)).build();
    }

    private static Gradient gradient(ComputationGraph g, INDArray x, INDArray y) {
        g.setInputs(x);
        g.setLabels(y);
        g.computeGradientAndScore();
        Gradient out = g.gradient();
        out.gradientForVariable().replaceAll((k, v) -> v.dup());
        return out;
    }

    /** libnd4j's generic conv2d and conv2d_bp (NCHW, OIHW weights): output, dx, dw, db. */
    private static INDArray[] reference(OneDnnConvolution.Geometry g, INDArray x, INDArray w, INDArray b,
                                        INDArray dy) {
        int[] args = {(int) g.kernelH(), (int) g.kernelW(), (int) g.strideH(), (int) g.strideW(), (int) g.padH(),
                (int) g.padW(), (int) g.dilationH(), (int) g.dilationW(), 0, 0, 1};
        INDArray y = Nd4j.create(DataType.FLOAT, g.outputShape());
        INDArray dx = x.like();
        INDArray dw = w.like();
        INDArray db = b == null ? null : b.like();
        DynamicCustomOp.DynamicCustomOpsBuilder fwd = DynamicCustomOp.builder("conv2d").addIntegerArguments(args);
        DynamicCustomOp.DynamicCustomOpsBuilder bwd = DynamicCustomOp.builder("conv2d_bp").addIntegerArguments(args);
        if (b == null) {
            fwd.addInputs(x, w).addOutputs(y);
            bwd.addInputs(x, w, dy).addOutputs(dx, dw);
        } else {
            fwd.addInputs(x, w, b).addOutputs(y);
            bwd.addInputs(x, w, b, dy).addOutputs(dx, dw, db);
        }
        // libnd4j's generic kernels, not its own oneDNN path: an independent reference (and one that handles
        // dilation with truncation, which libnd4j's oneDNN path rejects)
        Nd4j.getEnvironment().allowHelpers(false);
        try {
            Nd4j.exec(fwd.build());
            Nd4j.exec(bwd.build());
        } finally {
            Nd4j.getEnvironment().allowHelpers(true);
        }
        return new INDArray[] {y, dx, dw, db};
    }

    private static void assertClose(INDArray expected, INDArray actual, String what) {
        assertTrue(Arrays.equals(expected.shape(), actual.shape()), what + ": shape " + Arrays.toString(actual.shape()));
        double scale = Math.max(expected.amaxNumber().doubleValue(), 1e-6);
        double diff = expected.sub(actual).amaxNumber().doubleValue() / scale;
        assertTrue(diff < 1e-5, what + ": relative max difference " + diff);
    }
}

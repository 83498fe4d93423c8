package org.mudsc4j.eval.landscape;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.mudsc4j.zoo.ModelZoo;

/**
 * The MLP of the loss-landscape figure (ALGORITHM §2.5): {@code fc1 … fc4} without biases, ReLU after every layer
 * including the last, the last layer's output compared with class embeddings. The reference uses 784→1024→1024→1024→
 * 512; the width is a parameter so the CPU default can be smaller.
 */
public final class LandscapeMlp {
    private LandscapeMlp() {
    }

    public static ComputationGraph build(int hidden, int embedDim, ILossFunction loss, long seed) {
        // mapped like the zoo: DL4J M2.1 does not initialise reproducibly with seed 0
        ComputationGraphConfiguration.GraphBuilder b = new NeuralNetConfiguration.Builder().seed(ModelZoo.dl4jSeed(seed))
                .weightInit(WeightInit.RELU).graphBuilder().addInputs("input")
                .setInputTypes(InputType.convolutional(28, 28, 1));
        String prev = "input";
        for (int l = 1; l <= 4; l++) {
            int out = l == 4 ? embedDim : hidden;
            b.addLayer("fc" + l, new DenseLayer.Builder().nOut(out).hasBias(false).activation(Activation.RELU).build(),
                    prev);
            prev = "fc" + l;
        }
        b.addLayer("loss", new LossLayer.Builder().lossFunction(loss).activation(Activation.IDENTITY).build(), prev);
        b.setOutputs("loss");
        ComputationGraph g = new ComputationGraph(b.build());
        g.init();
        return g;
    }
}

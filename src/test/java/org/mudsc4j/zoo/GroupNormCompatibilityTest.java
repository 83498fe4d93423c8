package org.mudsc4j.zoo;

import java.io.File;
import java.net.URISyntaxException;
import java.util.Objects;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.mudsc4j.dl4j.Dl4jRuntime;
import org.mudsc4j.zoo.layers.GroupNorm;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checkpoints written while GroupNorm was a SameDiff layer still load and keep training identically. The fixture
 * {@code compat/groupnorm-samediff-v1*} was made with that implementation (commit 5db6fbf): conv(2→8) → GroupNorm(8,
 * 4 groups) → ReLU → global average → dense(8→3) → MSE, the training recipe (SGD momentum, L2 5e-4, triangular
 * schedule), two fitted steps, saved with its updater state; then the model's output on the saved input and its
 * parameters after one more step on {@code target2}.
 */
class GroupNormCompatibilityTest {
    private static File resource(String name) throws URISyntaxException {
        return new File(Objects.requireNonNull(GroupNormCompatibilityTest.class.getResource("/compat/" + name),
                name).toURI());
    }

    @Test
    void samediffEraCheckpointLoadsAndResumesTraining() throws Exception {
        Dl4jRuntime.init();
        ComputationGraph net = ModelSerializer.restoreComputationGraph(resource("groupnorm-samediff-v1.zip"), true);
        assertInstanceOf(GroupNorm.class, net.getLayer("gn").conf().getLayer());
        INDArray x = Nd4j.createFromNpyFile(resource("groupnorm-samediff-v1-input.npy"));
        INDArray expected = Nd4j.createFromNpyFile(resource("groupnorm-samediff-v1-output.npy"));
        INDArray out = net.outputSingle(false, x);
        assertTrue(out.equalsWithEps(expected, 1e-5), "output " + out + " vs " + expected);

        // one more step: same gradients, same updater (momentum state, schedule position) as the old layer
        net.fit(new DataSet(x, Nd4j.createFromNpyFile(resource("groupnorm-samediff-v1-target2.npy"))));
        INDArray params = Nd4j.createFromNpyFile(resource("groupnorm-samediff-v1-params-after-step.npy"));
        double diff = net.params().reshape(params.shape()).sub(params).amaxNumber().doubleValue();
        assertTrue(diff < 1e-5, "parameters after the resumed step differ by " + diff);
    }
}

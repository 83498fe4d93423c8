package org.mudsc4j.dl4j;

import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's element-wise Add vertex (residual connections) without its extra copies.
 *
 * <p>Why: DL4J copies the first input and then adds the others in place: two passes where one {@code a + b} into
 * a new array does. Backprop is DL4J's: every input gets its own copy of the incoming gradient, because each
 * vertex's gradients must live in that vertex's own workspace (a pass-through would be copied by
 * {@code leverageTo} anyway). Inputs of different shapes (broadcasting) take DL4J's path. Still an
 * {@code instanceof ElementWiseVertex}.
 */
public class DirectAddVertex extends ElementWiseVertex {
    private static final long serialVersionUID = 1L;

    public DirectAddVertex() {
        super(Op.Add);
    }

    @Override
    public DirectAddVertex clone() {
        return new DirectAddVertex();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DirectAddVertex;
    }

    @Override
    public int hashCode() {
        return DirectAddVertex.class.hashCode();
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
                                                                      INDArray paramsView, boolean initializeParams,
                                                                      DataType networkDatatype) {
        return new Runtime(graph, name, idx, networkDatatype);
    }

    /** The runtime vertex. */
    static final class Runtime extends org.deeplearning4j.nn.graph.vertex.impl.ElementWiseVertex {
        /** Whether the last forward pass took the direct path; backprop must take the same one. */
        private boolean direct;

        Runtime(ComputationGraph graph, String name, int idx, DataType dataType) {
            super(graph, name, idx, Op.Add, dataType);
        }

        private boolean sameShapes() {
            for (int i = 1; i < inputs.length; i++) {
                if (!inputs[0].equalShapes(inputs[i]) || inputs[i].dataType() != inputs[0].dataType()) {
                    return false;
                }
            }
            return inputs.length >= 2;
        }

        @Override
        public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
            direct = canDoForward() && sameShapes() && inputs[0].dataType() == dataType;
            if (!direct) {
                return super.doForward(training, workspaceMgr);
            }
            INDArray sum = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, inputs[0].shape(), 'c');
            Nd4j.exec(new AddOp(inputs[0], inputs[1], sum));
            for (int i = 2; i < inputs.length; i++) {
                sum.addi(inputs[i]);
            }
            return sum;
        }

        @Override
        public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
            if (!direct) {
                return super.doBackward(tbptt, workspaceMgr);
            }
            if (!canDoBackward()) {
                throw new IllegalStateException("Cannot do backward pass in vertex " + vertexName + ": errors not set");
            }
            INDArray[] out = new INDArray[inputs.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, epsilon);
            }
            return new Pair<>(null, out);
        }
    }
}

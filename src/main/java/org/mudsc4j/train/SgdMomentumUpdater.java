package org.mudsc4j.train;

import java.nio.FloatBuffer;

import org.mudsc4j.dl4j.DenseFloats;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.GradientUpdater;

import java.util.Collections;
import java.util.Map;

/**
 * Runtime side of {@link SgdMomentum} for one block of parameters. DL4J calls {@link #applyUpdater} with the
 * (minibatch-averaged, L2-regularised) gradient and then subtracts whatever the array holds afterwards from the
 * parameters, so the gradient is replaced by {@code lr·v}.
 */
public final class SgdMomentumUpdater implements GradientUpdater<SgdMomentum> {
    /** State key, as used by DL4J's own momentum updater. */
    public static final String V_STATE = "V";

    private final SgdMomentum config;
    private INDArray v;

    public SgdMomentumUpdater(SgdMomentum config) {
        this.config = config;
    }

    @Override
    public SgdMomentum getConfig() {
        return config;
    }

    @Override
    public void setState(Map<String, INDArray> stateMap, boolean initialize) {
        if (stateMap == null || stateMap.size() != 1 || !stateMap.containsKey(V_STATE)) {
            throw new IllegalStateException("SgdMomentum state must hold exactly the key \"" + V_STATE + "\", got "
                    + (stateMap == null ? null : stateMap.keySet()));
        }
        v = stateMap.get(V_STATE);
        if (initialize) {
            v.assign(0);
        }
    }

    @Override
    public Map<String, INDArray> getState() {
        return Collections.singletonMap(V_STATE, v);
    }

    @Override
    public void setStateViewArray(INDArray viewArray, long[] gradientShape, char gradientOrder, boolean initialize) {
        if (viewArray == null) {
            throw new IllegalArgumentException("SgdMomentum needs a state view array");
        }
        if (initialize) {
            viewArray.assign(0); // PyTorch starts the momentum buffer at the first gradient: μ·0 + g
        }
        // Keep the view itself (never a copy): DL4J saves the state by reading this view array.
        v = viewArray;
    }

    @Override
    public void applyUpdater(INDArray gradient, int iteration, int epoch) {
        if (v == null) {
            throw new IllegalStateException("SgdMomentum updater used before its state was set");
        }
        if (gradient.length() != v.length()) {
            throw new IllegalStateException("Gradient length " + gradient.length() + " differs from the momentum "
                    + "state length " + v.length());
        }
        double lr = config.getLearningRate(iteration, epoch);
        if (DenseFloats.isDense(gradient) && DenseFloats.isDense(v)) {
            applyInJava(DenseFloats.buffer(gradient), DenseFloats.buffer(v), (int) v.length(),
                    (float) config.momentum(), (float) lr);
            return;
        }
        INDArray g = gradient.equalShapes(v) ? gradient : gradient.reshape(v.shape());
        v.muli(config.momentum()).addi(g);
        INDArray update = gradient.equalShapes(v) ? v : v.reshape(gradient.shape());
        gradient.assign(update).muli(lr);
    }

    /**
     * The same float arithmetic as the ND4J path above (v·μ, + g, then ·lr, each rounded to float), in one pass
     * without a native call per operation: DL4J runs one updater per parameter block (43 in a ResNet-20), and four
     * native calls each cost more than the arithmetic.
     */
    static void applyInJava(FloatBuffer g, FloatBuffer vb, int n, float momentum, float lr) {
        for (int i = 0; i < n; i++) {
            float vi = vb.get(i) * momentum + g.get(i);
            vb.put(i, vi);
            g.put(i, vi * lr);
        }
    }
}

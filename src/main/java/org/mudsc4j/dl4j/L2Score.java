package org.mudsc4j.dl4j;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.layers.BaseLayer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * A layer's L2 regularisation score, {@code Σ ½·λ·‖w‖²} over its regularised parameters, as DL4J's
 * {@code BaseLayer.calcRegularizationScore} defines it, computed in Java.
 *
 * <p>Why: DL4J adds this score to the loss on every training step (and the trainer asks for it once more, to report
 * the loss without it); each parameter costs a native {@code norm2} call with its own result buffers, ~10 ms per
 * ResNet-20 ×1 step for ~0.3 M parameters. The sum of squares here is in double, so the value may differ from
 * DL4J's float reduction in the last digits; it only enters the reported score, never a gradient.
 */
public final class L2Score {
    private L2Score() {
    }

    /**
     * Whether a parameter's regularisers are none or exactly one plain {@link L2Regularization}: the only case the
     * Java paths here and in the fused updater reproduce; anything else takes DL4J's path.
     */
    public static boolean noneOrL2(List<Regularization> regs) {
        return regs == null || regs.isEmpty() || regs.size() == 1 && regs.get(0).getClass() == L2Regularization.class;
    }

    /** The L2 coefficient schedule of regularisers that pass {@link #noneOrL2}, or null when there are none. */
    public static ISchedule l2Schedule(List<Regularization> regs) {
        return regs == null || regs.isEmpty() ? null : ((L2Regularization) regs.get(0)).getL2();
    }

    /** The score, or NaN when a parameter has another regulariser or is not dense float (take DL4J's path). */
    static double of(BaseLayer<?> layer) {
        double score = 0;
        for (Map.Entry<String, INDArray> e : layer.paramTable().entrySet()) {
            List<Regularization> regs = layer.layerConf().getRegularizationByParam(e.getKey());
            if (!noneOrL2(regs)) {
                return Double.NaN;
            }
            ISchedule l2 = l2Schedule(regs);
            if (l2 == null) {
                continue;
            }
            if (!DenseFloats.isDense(e.getValue())) {
                return Double.NaN;
            }
            double lambda = l2.valueAt(layer.getIterationCount(), layer.getEpochCount());
            score += 0.5 * lambda * sumOfSquares(DenseFloats.buffer(e.getValue()), (int) e.getValue().length());
        }
        return score;
    }

    private static double sumOfSquares(FloatBuffer b, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            double v = b.get(i);
            s += v * v;
        }
        return s;
    }
}

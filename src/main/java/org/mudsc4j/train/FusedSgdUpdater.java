package org.mudsc4j.train;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

import org.deeplearning4j.nn.api.Trainable;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.deeplearning4j.nn.updater.graph.ComputationGraphUpdater;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.mudsc4j.dl4j.DenseFloats;
import org.mudsc4j.dl4j.L2Score;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.NoOpUpdater;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * DL4J's graph updater for the training recipe ({@link SgdMomentum} with L2 weight decay), with the per-parameter
 * steps done in Java: the division by the minibatch size and the L2 term {@code g += λ·w}, then the momentum
 * update, one pass per parameter instead of one native call each.
 *
 * <p>Why: DL4J's updater splits the gradient into per-layer maps, divides it in ~20 slices and applies L2 with one
 * native op per parameter (~65 in a ResNet-20), each with its own array views and shape buffers. At ResNet-20 ×1
 * that took ~20 ms of a ~450 ms step for ~0.3 M parameters. The arithmetic and its order are DL4J's (divide, add
 * λ·w, then {@link SgdMomentumUpdater}); any configuration outside the recipe (another updater or
 * regularisation, gradient normalisation, a gradient other than the network's own) takes DL4J's own path. The updater state array is
 * DL4J's, so checkpoints are unchanged.
 */
public final class FusedSgdUpdater extends ComputationGraphUpdater {
    /** One parameter's work: its gradient and value views, whether it is divided by the minibatch, its L2. */
    private record Param(FloatBuffer grad, FloatBuffer value, int length, boolean divide, ISchedule l2) {
    }

    /** One updater block: its parameters, then its updater over the block's gradient. */
    private record Block(List<Param> params, UpdaterBlock block) {
    }

    private List<Block> plan;
    private boolean planned;
    private long fusedUpdates;

    private FusedSgdUpdater(ComputationGraph graph) {
        super(graph, graph.getUpdater().getStateViewArray()); // keeps (not copies) the graph's updater state
    }

    /** Puts a fused updater on {@code graph}, keeping its updater state; idempotent. */
    public static void install(ComputationGraph graph) {
        if (!(graph.getUpdater() instanceof FusedSgdUpdater)) {
            graph.setUpdater(new FusedSgdUpdater(graph));
        }
    }

    /** Whether the fused path runs (false: every update goes through DL4J's path). */
    boolean fused() {
        if (!planned) {
            plan = plan();
            planned = true;
        }
        return plan != null;
    }

    @Override
    public synchronized void update(Gradient gradient, int iteration, int epoch, int batchSize,
                                    LayerWorkspaceMgr workspaceMgr) {
        if (!fused() || !isNetworkGradient(gradient.gradient())) {
            super.update(gradient, iteration, epoch, batchSize, workspaceMgr);
            return;
        }
        fusedUpdates++;
        float divisor = batchSize;
        for (Block b : plan) {
            for (Param p : b.params()) {
                float l2 = p.l2() == null ? 0f : (float) p.l2().valueAt(iteration, epoch);
                applyPerParameter(p.grad(), p.value(), p.length(), p.divide() ? divisor : 1f, l2);
            }
            b.block().getGradientUpdater().applyUpdater(b.block().getGradientView(), iteration, epoch);
        }
    }

    /**
     * Whether {@code g} is the network's own flat gradient. The graph hands over a reshaped view of it ([n] instead
     * of [1, n]), which DL4J's identity test takes for an external gradient (and then slices per block and
     * parameter on every step), so compare the memory instead.
     */
    private boolean isNetworkGradient(INDArray g) {
        INDArray own = getFlattenedGradientsView();
        return g == own || g.length() == own.length() && g.offset() == own.offset() && DenseFloats.isDense(g)
                && g.data().address() == own.data().address();
    }

    /** How many updates took the fused path (for tests). */
    long fusedUpdates() {
        return fusedUpdates;
    }

    /** g = g / divisor + l2·w, each step rounded to float as DL4J's ops do. */
    static void applyPerParameter(FloatBuffer g, FloatBuffer w, int n, float divisor, float l2) {
        for (int i = 0; i < n; i++) {
            float gi = divisor == 1f ? g.get(i) : g.get(i) / divisor;
            g.put(i, l2 == 0f ? gi : l2 * w.get(i) + gi);
        }
    }

    /** The per-block work, or null when some part of the configuration needs DL4J's path. */
    private List<Block> plan() {
        if (!isMiniBatch()) {
            return null;
        }
        List<Block> blocks = new ArrayList<>();
        for (UpdaterBlock ub : getUpdaterBlocks()) {
            if (ub.skipDueToPretrainConfig(false)) {
                return null;
            }
            GradientUpdater<?> updater = ub.getGradientUpdater();
            boolean noOp = updater instanceof NoOpUpdater;
            if (!noOp && !(updater instanceof SgdMomentumUpdater)
                    || !noOp && !DenseFloats.isDense(ub.getGradientView())) {
                return null;
            }
            List<Param> params = new ArrayList<>();
            for (UpdaterBlock.ParamState ps : ub.getLayersAndVariablesInBlock()) {
                Trainable layer = ps.getLayer();
                GradientNormalization norm = layer.getConfig().getGradientNormalization();
                if (norm != null && norm != GradientNormalization.None) {
                    return null;
                }
                List<Regularization> regs = layer.getConfig().getRegularizationByParam(ps.getParamName());
                if (!L2Score.noneOrL2(regs)) {
                    return null;
                }
                ISchedule l2 = L2Score.l2Schedule(regs);
                boolean divide = layer.updaterDivideByMinibatch(ps.getParamName());
                if (!divide && l2 == null) {
                    continue; // running statistics: DL4J leaves them untouched before the (NoOp) updater
                }
                if (!DenseFloats.isDense(ps.getGradView()) || !DenseFloats.isDense(ps.getParamView())) {
                    return null;
                }
                params.add(new Param(DenseFloats.buffer(ps.getGradView()), DenseFloats.buffer(ps.getParamView()),
                        (int) ps.getGradView().length(), divide, l2));
            }
            blocks.add(new Block(params, ub));
        }
        return blocks;
    }
}

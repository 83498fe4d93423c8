package org.mudsc4j.train;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.samediff.AbstractSameDiffLayer;
import org.deeplearning4j.nn.conf.layers.wrapper.BaseWrapperLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.mudsc4j.dl4j.DirectLayers;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Imposes a {@link TrainConfig} on a network that was built without it. DL4J fixes updaters and regularisation
 * in the layer configurations when a graph is built, and the model zoo builds graphs without knowing the
 * recipe, so the trainer rewrites every layer configuration of a copy of the graph configuration and builds a
 * new graph around the same parameter values. On the way it swaps in training-path replacements that compute the
 * same thing faster or more faithfully ({@link WeightDecayedBatchNormalization} and the convolution, ReLU and add
 * replacements of {@link DirectLayers}).
 */
public final class TrainingRecipe {
    private TrainingRecipe() {
    }

    /**
     * A new, initialised graph with {@code graph}'s topology and parameter values (copied), every trainable
     * parameter on {@link SgdMomentum} with the schedule and L2 weight decay, and a fresh updater state.
     */
    public static ComputationGraph impose(ComputationGraph graph, TrainConfig cfg, int itersPerEpoch) {
        ComputationGraphConfiguration conf = graph.getConfiguration().clone();
        imposeOn(conf, cfg, itersPerEpoch);
        conf.setIterationCount(0); // the schedule counts from the start of this recipe's run
        conf.setEpochCount(0);
        ComputationGraph out = new ComputationGraph(conf);
        // init with the existing values: skips a wasted random weight initialisation.
        out.init(graph.params().dup(), false);
        verify(out, cfg, itersPerEpoch);
        return out;
    }

    /** Rewrites the layer configurations of {@code conf} in place. */
    public static void imposeOn(ComputationGraphConfiguration conf, TrainConfig cfg, int itersPerEpoch) {
        SgdMomentum updater = cfg.updater(itersPerEpoch);
        for (Map.Entry<String, GraphVertex> e : conf.getVertices().entrySet()) {
            GraphVertex add = DirectLayers.addVertex(e.getValue());
            if (add != null) {
                e.setValue(add);
            }
            if (e.getValue() instanceof LayerVertex vertex) {
                NeuralNetConfiguration layerConf = vertex.getLayerConf();
                layerConf.setLayer(imposeOnLayer(e.getKey(), layerConf.getLayer(), updater, cfg.weightDecay()));
            }
        }
    }

    private static org.deeplearning4j.nn.conf.layers.Layer imposeOnLayer(
            String vertex, org.deeplearning4j.nn.conf.layers.Layer layer, SgdMomentum updater, double wd) {
        if (layer instanceof BatchNormalization bn) {
            WeightDecayedBatchNormalization decayed = bn instanceof WeightDecayedBatchNormalization w ? w
                    : WeightDecayedBatchNormalization.copyOf(bn);
            configure(decayed, updater, wd);
            return decayed;
        }
        // convolutions minus DL4J's redundant forward pass in backprop, ReLU without its copies (DirectLayers)
        org.deeplearning4j.nn.conf.layers.Layer direct = DirectLayers.convolutionOrActivation(layer);
        if (direct != null) {
            layer = direct;
        }
        if (layer instanceof BaseLayer base) {
            configure(base, updater, wd);
            return base;
        }
        if (layer instanceof AbstractSameDiffLayer sd) {
            sd.setUpdater(updater.clone());
            sd.setBiasUpdater(null);
            sd.setRegularization(l2(wd));
            sd.setRegularizationBias(l2(wd));
            return sd;
        }
        if (layer instanceof BaseWrapperLayer wrapper) {
            wrapper.setUnderlying(imposeOnLayer(vertex, wrapper.getUnderlying(), updater, wd));
            return wrapper;
        }
        if (layer.initializer().numParams(layer) == 0) {
            return layer; // pooling, activation, loss layers...: nothing to train
        }
        throw new IllegalArgumentException("Layer '" + vertex + "' (" + layer.getClass().getName() + ") has "
                + "parameters, but the training recipe does not know how to set its updater and weight decay");
    }

    private static void configure(BaseLayer layer, SgdMomentum updater, double wd) {
        layer.setIUpdater(updater.clone());
        layer.setBiasUpdater(null); // biases use the same updater
        layer.setRegularization(l2(wd));
        layer.setRegularizationBias(l2(wd));
    }

    private static List<Regularization> l2(double wd) {
        List<Regularization> list = new ArrayList<>();
        if (wd > 0) {
            list.add(new L2Regularization(wd));
        }
        return list;
    }

    /**
     * Checks that every trainable parameter of {@code graph} follows the recipe: {@link SgdMomentum} with the
     * configured schedule and momentum, and L2 with the configured coefficient. Parameters with DL4J's
     * {@link NoOp} updater (BatchNorm running statistics) must carry no regularisation.
     *
     * @throws IllegalStateException listing every deviating parameter
     */
    public static void verify(ComputationGraph graph, TrainConfig cfg, int itersPerEpoch) {
        SgdMomentum expected = cfg.updater(itersPerEpoch);
        List<String> problems = new ArrayList<>();
        for (Layer layer : graph.getLayers()) {
            org.deeplearning4j.nn.conf.layers.Layer conf = layer.conf().getLayer();
            for (String param : layer.paramTable().keySet()) {
                String name = conf.getLayerName() + "_" + param;
                IUpdater updater = conf.getUpdaterByParam(param);
                List<Regularization> regs = conf.getRegularizationByParam(param);
                if (updater instanceof NoOp) {
                    if (regs != null && !regs.isEmpty()) {
                        problems.add(name + ": statistic (NoOp updater) must not be regularised, has " + regs);
                    }
                    continue;
                }
                if (!expected.equals(updater)) {
                    problems.add(name + ": updater " + updater + ", expected " + expected);
                }
                if (cfg.weightDecay() > 0 && !hasL2(regs, cfg.weightDecay())) {
                    problems.add(name + ": regularisation " + regs + ", expected L2 " + cfg.weightDecay());
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Graph does not follow the training recipe:\n  "
                    + String.join("\n  ", problems));
        }
    }

    private static boolean hasL2(List<Regularization> regs, double wd) {
        if (regs == null || regs.size() != 1 || !(regs.get(0) instanceof L2Regularization l2)) {
            return false;
        }
        return l2.getL2().valueAt(0, 0) == wd;
    }
}

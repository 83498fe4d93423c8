package org.mudsc4j.zoo.layers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Parameter layout of {@link GroupNorm}: {@code gamma} then {@code beta}, each {@code [1, C]}, initialised to 1 and 0.
 * The same order and shapes as the earlier SameDiff implementation, so older checkpoints load unchanged.
 */
final class GroupNormParams implements ParamInitializer {
    static final String GAMMA = "gamma";
    static final String BETA = "beta";
    static final GroupNormParams INSTANCE = new GroupNormParams();

    private GroupNormParams() {
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        return 2L * ((GroupNorm) layer).getChannels();
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        return List.of(GAMMA, BETA);
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return List.of(GAMMA);
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return List.of(BETA);
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
        return GAMMA.equals(key);
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return BETA.equals(key);
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
        Map<String, INDArray> params = views(conf, paramsView);
        if (initializeParams) {
            params.get(GAMMA).assign(1.0);
            params.get(BETA).assign(0.0);
        }
        conf.addVariable(GAMMA);
        conf.addVariable(BETA);
        return params;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        return views(conf, gradientView);
    }

    private static Map<String, INDArray> views(NeuralNetConfiguration conf, INDArray flat) {
        long c = ((GroupNorm) conf.getLayer()).getChannels();
        INDArray row = flat.reshape(flat.length());
        Map<String, INDArray> out = new LinkedHashMap<>();
        out.put(GAMMA, row.get(NDArrayIndex.interval(0, c)).reshape(1, c));
        out.put(BETA, row.get(NDArrayIndex.interval(c, 2 * c)).reshape(1, c));
        return out;
    }
}

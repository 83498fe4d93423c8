package org.mudsc4j.merge.apply;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.mudsc4j.merge.groups.ParamAxis;
import org.mudsc4j.merge.groups.ParamTensor;
import org.mudsc4j.merge.groups.UnitGroups;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The parameters of one model as the reference sees them, detached from DL4J: every grouped and ungrouped parameter
 * as a double {@link ParamTensor}, with BatchNorm's running std (stored by DL4J as {@code log10(sqrt(var + eps))})
 * converted to the running variance that PyTorch stores and the reference transforms linearly (ALGORITHM §7.3).
 * {@link #writeInto} converts back. This class is the only place in the merge code that knows DL4J's storage quirks.
 */
public final class ModelParams {
    private final Map<String, ParamTensor> tensors;

    public ModelParams(Map<String, ParamTensor> tensors) {
        this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    /**
     * Reads every parameter listed in {@code groups} from {@code graph}.
     *
     * @throws IllegalArgumentException if a parameter is missing or holds NaN/Inf (naming it)
     */
    public static ModelParams read(ComputationGraph graph, UnitGroups groups, String modelName) {
        Map<String, ParamTensor> out = new LinkedHashMap<>();
        for (String key : allKeys(groups)) {
            INDArray p = graph.paramTable().get(key);
            if (p == null) {
                throw new IllegalArgumentException(modelName + ": parameter " + key + " is missing");
            }
            ParamTensor t = ParamTensor.of(p);
            for (double v : t.values()) {
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException(modelName + ": parameter " + key
                            + " contains NaN or infinite values; refusing to merge a broken model");
                }
            }
            if (isLogStd(groups, key)) {
                double eps = batchNormEps(graph, vertexOf(groups, key));
                t = t.map(l -> org.mudsc4j.dl4j.BatchNormStorage.variance(l, eps));
            }
            out.put(key, t);
        }
        return new ModelParams(out);
    }

    /** Writes these parameters into {@code graph} (same architecture), converting running variances back. */
    public void writeInto(ComputationGraph graph, UnitGroups groups) {
        for (Map.Entry<String, ParamTensor> e : tensors.entrySet()) {
            String key = e.getKey();
            INDArray current = graph.paramTable().get(key);
            if (current == null) {
                throw new IllegalArgumentException("target graph has no parameter " + key);
            }
            ParamTensor t = e.getValue();
            if (isLogStd(groups, key)) {
                double eps = batchNormEps(graph, vertexOf(groups, key));
                t = t.map(var -> org.mudsc4j.dl4j.BatchNormStorage.log10Std(var, eps));
            }
            INDArray value = t.toINDArray(current.dataType()).reshape(current.shape());
            graph.setParam(key, value);
        }
    }

    public ParamTensor get(String key) {
        ParamTensor t = tensors.get(key);
        if (t == null) {
            throw new IllegalArgumentException("no parameter " + key);
        }
        return t;
    }

    public Map<String, ParamTensor> tensors() {
        return tensors;
    }

    /** All values in key order, concatenated (for vector arithmetic on whole models, e.g. PCA of weights). */
    public double[] flatten() {
        int total = tensors.values().stream().mapToInt(t -> t.values().length).sum();
        double[] out = new double[total];
        int pos = 0;
        for (ParamTensor t : tensors.values()) {
            System.arraycopy(t.values(), 0, out, pos, t.values().length);
            pos += t.values().length;
        }
        return out;
    }

    /** The same keys and shapes holding {@code flat} (the layout of {@link #flatten()}). */
    public ModelParams withValues(double[] flat) {
        Map<String, ParamTensor> out = new LinkedHashMap<>();
        int pos = 0;
        for (Map.Entry<String, ParamTensor> e : tensors.entrySet()) {
            int n = e.getValue().values().length;
            double[] part = java.util.Arrays.copyOfRange(flat, pos, pos + n);
            out.put(e.getKey(), new ParamTensor(part, e.getValue().shape()));
            pos += n;
        }
        if (pos != flat.length) {
            throw new IllegalArgumentException("expected " + pos + " values, got " + flat.length);
        }
        return new ModelParams(out);
    }

    private static List<String> allKeys(UnitGroups groups) {
        List<String> keys = new java.util.ArrayList<>(groups.groupedParams());
        keys.addAll(groups.ungroupedParams());
        return keys;
    }

    private static boolean isLogStd(UnitGroups groups, String key) {
        List<UnitGroups.Membership> ms = groups.membershipsOf(key);
        return !ms.isEmpty() && ms.get(0).axis().kind() == ParamAxis.ParamKind.RUNNING_LOG10_STD;
    }

    private static String vertexOf(UnitGroups groups, String key) {
        return groups.membershipsOf(key).get(0).axis().vertex();
    }

    private static double batchNormEps(ComputationGraph graph, String vertex) {
        GraphVertex v = graph.getVertex(vertex);
        if (v == null || !v.hasLayer() || !(v.getLayer().conf().getLayer() instanceof BatchNormalization bn)) {
            throw new IllegalArgumentException("vertex " + vertex + " holds a running std but is not BatchNormalization");
        }
        return bn.getEps();
    }
}

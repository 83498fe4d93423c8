package org.mudsc4j.interop;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.mudsc4j.dl4j.BatchNormStorage;

/**
 * Converts a zoo graph's parameters to a PyTorch-layout {@code state_dict} (float32 tensors named as the reference's
 * modules name them) and back. Extra entries: {@value #EMBEDDINGS} (the class-embedding matrix) and
 * {@value #METADATA} (UTF-8 JSON as uint8), which a PyTorch loader must skip.
 */
public final class TorchStateDict {
    public static final String EMBEDDINGS = "__class_embeddings__";
    public static final String METADATA = "__metadata__";

    private TorchStateDict() {
    }

    /** The graph's tensors in PyTorch layout, plus {@code num_batches_tracked} for every BatchNorm layer. */
    public static Map<String, INDArray> export(ComputationGraph graph) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (TorchLayout.Entry e : TorchLayout.of(graph)) {
            out.put(e.torchName(), toTorch(graph.getParam(e.dl4jKey()), e).castTo(DataType.FLOAT));
        }
        for (String bn : TorchLayout.batchNormVertices(graph)) {
            out.put(bn + ".num_batches_tracked", Nd4j.scalar(DataType.LONG, 0L));
        }
        return out;
    }

    /**
     * Writes the tensors of {@code stateDict} into {@code graph} (built for the same architecture).
     *
     * @throws IllegalArgumentException listing every missing, unexpected and mis-shaped tensor at once
     */
    public static void load(ComputationGraph graph, Map<String, INDArray> stateDict) {
        List<TorchLayout.Entry> layout = TorchLayout.of(graph);
        Set<String> expected = new LinkedHashSet<>();
        List<String> missing = new ArrayList<>();
        List<String> misShaped = new ArrayList<>();
        Map<String, INDArray> converted = new LinkedHashMap<>();
        for (TorchLayout.Entry e : layout) {
            expected.add(e.torchName());
            INDArray t = stateDict.get(e.torchName());
            INDArray current = graph.getParam(e.dl4jKey());
            long[] want = torchShape(current, e);
            if (t == null) {
                missing.add(e.torchName() + " " + Arrays.toString(want));
            } else if (!Arrays.equals(t.shape(), want)) {
                misShaped.add(e.torchName() + " is " + Arrays.toString(t.shape()) + ", expected "
                        + Arrays.toString(want));
            } else {
                converted.put(e.dl4jKey(), fromTorch(t, e, current));
            }
        }
        for (String bn : TorchLayout.batchNormVertices(graph)) {
            expected.add(bn + ".num_batches_tracked");
        }
        List<String> unexpected = new ArrayList<>();
        for (String name : stateDict.keySet()) {
            if (!expected.contains(name) && !name.equals(EMBEDDINGS) && !name.equals(METADATA)) {
                unexpected.add(name);
            }
        }
        if (!missing.isEmpty() || !unexpected.isEmpty() || !misShaped.isEmpty()) {
            StringBuilder sb = new StringBuilder("the state_dict does not fit the architecture:");
            if (!missing.isEmpty()) {
                sb.append("\n  missing: ").append(String.join(", ", missing));
            }
            if (!unexpected.isEmpty()) {
                sb.append("\n  unexpected: ").append(String.join(", ", unexpected));
            }
            if (!misShaped.isEmpty()) {
                sb.append("\n  wrong shape: ").append(String.join("; ", misShaped));
            }
            throw new IllegalArgumentException(sb.toString());
        }
        converted.forEach(graph::setParam);
    }

    /** Metadata JSON as the uint8 array stored in the file. */
    public static INDArray metadataArray(String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        INDArray a = Nd4j.create(DataType.UBYTE, bytes.length);
        for (int i = 0; i < bytes.length; i++) {
            a.putScalar(i, bytes[i] & 0xff);
        }
        return a;
    }

    public static String metadataJson(INDArray array) {
        long[] v = array.castTo(DataType.LONG).toLongVector();
        byte[] bytes = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            bytes[i] = (byte) v[i];
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static long[] torchShape(INDArray dl4j, TorchLayout.Entry e) {
        long[] s = dl4j.shape();
        return switch (e.conversion()) {
            case SAME, LOG10_STD_TO_VAR -> s;
            case TRANSPOSE -> new long[] {s[1], s[0]};
            case FLATTEN -> new long[] {dl4j.length()};
            case TOKENS_LAST -> new long[] {s[0], s[2], s[1]};
        };
    }

    private static INDArray toTorch(INDArray p, TorchLayout.Entry e) {
        INDArray d = p.castTo(DataType.DOUBLE);
        return switch (e.conversion()) {
            case SAME -> d.dup();
            case TRANSPOSE -> d.transpose().dup('c');
            case FLATTEN -> d.reshape(d.length()).dup();
            case TOKENS_LAST -> d.permute(0, 2, 1).dup('c');
            case LOG10_STD_TO_VAR -> elementwise(d, v -> BatchNormStorage.variance(v, e.eps()));
        };
    }

    private static INDArray fromTorch(INDArray t, TorchLayout.Entry e, INDArray current) {
        INDArray d = t.castTo(DataType.DOUBLE);
        INDArray out = switch (e.conversion()) {
            case SAME -> d.dup();
            case TRANSPOSE -> d.transpose().dup('c');
            case FLATTEN -> d.reshape(current.shape()).dup();
            case TOKENS_LAST -> d.permute(0, 2, 1).dup('c');
            case LOG10_STD_TO_VAR -> elementwise(d, v -> BatchNormStorage.log10Std(v, e.eps()));
        };
        return out.castTo(current.dataType()).reshape(current.shape());
    }

    private static INDArray elementwise(INDArray d, java.util.function.DoubleUnaryOperator f) {
        double[] v = d.dup('c').toDoubleVector();
        for (int i = 0; i < v.length; i++) {
            v[i] = f.applyAsDouble(v[i]);
        }
        return Nd4j.createFromArray(v).reshape(d.shape());
    }
}

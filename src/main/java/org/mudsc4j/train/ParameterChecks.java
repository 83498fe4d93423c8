package org.mudsc4j.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Checks on a loaded model's parameters, so a broken file is named when it is read rather than deep in a merge. */
public final class ParameterChecks {
    private ParameterChecks() {
    }

    /**
     * @throws IOException naming the file and the first parameter (layer and name) that holds NaN or an infinity
     */
    public static void requireFinite(ComputationGraph graph, Path file) throws IOException {
        INDArray all = graph.params();
        if (all == null || allFinite(all)) {
            return;
        }
        for (Map.Entry<String, INDArray> e : graph.paramTable().entrySet()) {
            if (!allFinite(e.getValue())) {
                throw new IOException(file + ": parameter " + e.getKey() + " holds NaN or infinite values (a diverged"
                        + " or damaged model); it cannot be evaluated or merged");
            }
        }
        throw new IOException(file + ": its parameters hold NaN or infinite values");
    }

    private static boolean allFinite(INDArray a) {
        for (float v : a.dup('c').data().asFloat()) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}

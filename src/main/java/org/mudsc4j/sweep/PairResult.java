package org.mudsc4j.sweep;

import java.util.List;
import java.util.Map;
import org.mudsc4j.eval.Accuracies;

/**
 * Everything measured for one pair of task models (test accuracies on the union test set).
 *
 * @param run      reference split run
 * @param pair     the two tasks, e.g. {@code [6,7,3,0,5]|[2,8,4,9,1]}
 * @param modelA   task model A alone
 * @param modelB   task model B alone
 * @param ensemble both task models side by side
 * @param methods  per merge method, in table order
 */
public record PairResult(int run, String pair, Accuracies modelA, Accuracies modelB, Accuracies ensemble,
                         List<MethodResult> methods) {

    /**
     * @param method    method id
     * @param test      test accuracies of the merged model
     * @param alpha     chosen α (NaN for methods without one)
     * @param sweeps    weight-space sweeps run at that α
     * @param alphaCurve training-data accuracies per candidate α, sorted by α (empty without a search)
     * @param seconds   stage times of the final merge
     */
    public record MethodResult(String method, Accuracies test, double alpha, int sweeps, List<AlphaPoint> alphaCurve,
                               Map<String, Double> seconds) {
    }

    /** Selection-data accuracies at one α. */
    public record AlphaPoint(double alpha, Accuracies train) {
    }
}

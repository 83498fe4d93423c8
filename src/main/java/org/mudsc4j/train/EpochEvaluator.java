package org.mudsc4j.train;

import org.deeplearning4j.nn.graph.ComputationGraph;

import java.io.IOException;

/**
 * Evaluates the network after an epoch. It receives the graph being trained: the trainer works on its own
 * copy (or on a graph restored from a checkpoint), not on the instance the caller passed in.
 */
@FunctionalInterface
public interface EpochEvaluator {
    /** Task accuracy in [0, 1] (see {@code org.mudsc4j.eval.TaskEvaluation}). */
    double taskAccuracy(ComputationGraph graph) throws IOException;
}

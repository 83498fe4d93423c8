package org.mudsc4j.train;

import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * The outcome of {@link Trainer#train}: the trained network (the trainer's own instance, also saved in the
 * checkpoint) and the final sidecar.
 */
public record TrainResult(ComputationGraph graph, CheckpointInfo info) {
}

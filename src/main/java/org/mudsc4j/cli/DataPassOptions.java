package org.mudsc4j.cli;

import java.nio.file.Path;
import org.mudsc4j.merge.plan.SweepOrder;
import org.mudsc4j.sweep.TrainPasses;
import picocli.CommandLine.Option;

/**
 * The options of the passes a merge runs over training data (BatchNorm re-estimation and the feature pass) and of its
 * sweep order, shared by {@code merge} and {@code sweep} ({@code reproduce} takes the last three as overrides of the
 * experiment file). The defaults are the reference's
 * procedure; {@code --train-indices F --augment none --order reference} reproduce a given reference run exactly.
 */
final class DataPassOptions {
    @Option(names = "--batch", defaultValue = "128",
            description = "Batch size of the feature pass and BN re-estimation (default: ${DEFAULT-VALUE})")
    int batch;
    @Option(names = "--per-class", defaultValue = "0", description = "Use only the first N training images of each"
            + " class for features and BN re-estimation (0 = all, as the reference)")
    int perClass;
    @Option(names = "--train-indices", paramLabel = "FILE.npy", description = "Feed features and BN re-estimation with"
            + " exactly these training images (int64 indices into the dataset's training file), in this order,"
            + " unshuffled; instead of --per-class")
    Path trainIndices;
    @Option(names = "--augment", defaultValue = "train", description = "train | none: whether the data passes see the"
            + " training augmentation (default: ${DEFAULT-VALUE}, as the reference)")
    String augment;
    @Option(names = "--order", defaultValue = "seeded", description = "seeded | reference: the order in which weight-space"
            + " sweeps visit the groups; reference = the reference's torch.randperm sequence (default: ${DEFAULT-VALUE})")
    String order;

    /** @throws IllegalArgumentException when the options contradict each other or name an unknown value */
    TrainPasses passes() {
        return new TrainPasses(perClass, trainIndices, TrainPasses.Augment.parse(augment));
    }

    SweepOrder sweepOrder() {
        return SweepOrder.parse(order);
    }
}

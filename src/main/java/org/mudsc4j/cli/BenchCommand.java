package org.mudsc4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bench train} and {@code bench merge}: benchmarks that print figures (never timed unit tests). */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks: training/inference throughput and merge stage times.",
        subcommands = {BenchTrainCommand.class, BenchMergeCommand.class})
public final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: train or merge");
    }
}

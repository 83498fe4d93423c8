package org.mudsc4j.cli;

import org.mudsc4j.dl4j.Dl4jRuntime;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Command-line entry point: {@code mudsc <command> [options]}; {@code mudsc <command> --help} for each. */
@Command(name = "mudsc", mixinStandardHelpOptions = true, version = "mudsc4j 0.1.0",
        description = "Training-free merging of independently trained networks (MuDSC) on Deeplearning4j.",
        subcommands = {ReproduceCommand.class, TrainCommand.class, MergeCommand.class, SweepCommand.class, EvalCommand.class, LandscapeCommand.class, BenchCommand.class, ExportCommand.class, ImportCommand.class, FetchCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @CommandLine.Option(names = CliErrors.VERBOSE, scope = CommandLine.ScopeType.INHERIT,
            description = "Print the stack trace of an error (errors are one line 'mudsc: ...' otherwise)")
    boolean verbose;

    public static void main(String[] args) {
        Dl4jRuntime.init();
        System.exit(commandLine().execute(args));
    }

    /**
     * The full command tree (also used by tests): errors print one line {@code mudsc: <message>} and exit with
     * {@link CliErrors#BAD_INPUT} for bad input, {@link CliErrors#FAILURE} otherwise.
     */
    public static CommandLine commandLine() {
        return CliErrors.install(new CommandLine(new Main()));
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command");
    }
}

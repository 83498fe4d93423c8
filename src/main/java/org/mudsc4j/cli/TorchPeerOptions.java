package org.mudsc4j.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.nio.file.Path;
import org.mudsc4j.bench.TorchPeer;
import org.mudsc4j.zoo.ModelSpec;
import picocli.CommandLine.Option;

/** The {@code --torch} / {@code --python} options of the bench commands: the PyTorch peer run beside our figures. */
final class TorchPeerOptions {
    @Option(names = "--torch", description = "PyTorch peer script (torch_train_bench.py): run it for every BatchNorm "
            + "ResNet-20 right before our own figures and add the ratios (needs python3 with torch)")
    Path script;
    @Option(names = "--python", defaultValue = "python3", description = "Python for --torch (default: ${DEFAULT-VALUE})")
    String python;

    boolean enabled() {
        return script != null;
    }

    /** The peer's figures for {@code spec}, or null when the peer is off or does not build this model. */
    TorchPeer.Result runFor(ModelSpec spec, int threads, int iters) throws IOException {
        return enabled() && TorchPeer.comparable(spec)
                ? TorchPeer.run(script, python, spec.widthMultiplier(), threads, iters, spec.input()) : null;
    }

    /** {@code repeats} runs of the peer for {@code spec} (empty when off or not comparable). */
    List<TorchPeer.Result> runFor(ModelSpec spec, int threads, int iters, int repeats) throws IOException {
        List<TorchPeer.Result> runs = new ArrayList<>();
        for (int r = 0; r < repeats && enabled() && TorchPeer.comparable(spec); r++) {
            runs.add(runFor(spec, threads, iters));
        }
        return runs;
    }

    /** These options as they were given, for the command line written into a report ("" when off). */
    String asArguments() {
        return enabled() ? " --torch " + script + " --python " + python : "";
    }
}

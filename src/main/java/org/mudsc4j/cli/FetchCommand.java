package org.mudsc4j.cli;

import org.mudsc4j.data.DatasetFetchException;
import org.mudsc4j.data.DatasetFetcher;
import org.mudsc4j.data.DatasetKind;
import org.mudsc4j.data.FetchSpec;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code mudsc fetch cifar10|cifar100}: download, verify and unpack an official CIFAR binary archive. */
@Command(name = "fetch", mixinStandardHelpOptions = true,
        description = {"Download, verify (MD5) and unpack the official binary CIFAR-10 or CIFAR-100 archive into the "
                + "datasets folder. Fashion-MNIST ships with the repository.",
                "Without network access, download the archive elsewhere and pass it with --from-file."})
public final class FetchCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DATASET", description = "cifar10 or cifar100")
    String dataset;

    @Option(names = "--datasets-dir", paramLabel = "DIR", defaultValue = Installation.HOME + "/datasets",
            description = "Folder that receives the unpacked dataset (default: ${DEFAULT-VALUE}).")
    Path datasetsDir;

    @Option(names = "--url", paramLabel = "URL", description = "Download from this URL instead of the official one.")
    URI url;

    @Option(names = "--md5", paramLabel = "HEX", description = "Expected MD5 of the archive (default: the official one).")
    String md5;

    @Option(names = "--from-file", paramLabel = "ARCHIVE",
            description = "Install from this local .tar.gz instead of downloading.")
    Path fromFile;

    @Option(names = "--force", description = "Replace an existing complete copy.")
    boolean force;

    @Override
    public Integer call() {
        DatasetKind kind;
        FetchSpec fetchSpec;
        try {
            kind = DatasetKind.parse(dataset);
            fetchSpec = FetchSpec.official(kind);
            if (url != null) {
                fetchSpec = fetchSpec.withUrl(url);
            }
            if (md5 != null) {
                fetchSpec = fetchSpec.withMd5(md5);
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        if (url != null && fromFile != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--url and --from-file exclude each other");
        }
        DatasetFetcher fetcher = new DatasetFetcher(datasetsDir);
        try {
            DatasetFetcher.Result result = fromFile != null
                    ? fetcher.installFromArchive(fetchSpec, fromFile, force)
                    : fetcher.fetch(fetchSpec, force);
            String what = result.outcome() == DatasetFetcher.Outcome.INSTALLED ? "installed at" : "already present at";
            spec.commandLine().getOut().println(kind.id() + " " + what + " " + result.folder()
                    + (result.outcome() == DatasetFetcher.Outcome.ALREADY_PRESENT ? " (use --force to replace it)" : ""));
            return 0;
        } catch (DatasetFetchException e) {
            // Not the user's input: the network or the archive server failed.
            spec.commandLine().getErr().println("mudsc: " + CliErrors.message(e));
            return CliErrors.FAILURE;
        }
    }
}

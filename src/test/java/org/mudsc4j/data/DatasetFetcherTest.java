package org.mudsc4j.data;

import com.sun.net.httpserver.HttpServer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mudsc4j.cli.FetchCommand;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Fetcher against a local HTTP server; never touches the internet. */
class DatasetFetcherTest {
    @TempDir
    Path tmp;

    private Path datasets;
    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private volatile byte[] served;

    @BeforeEach
    void startServer() throws IOException {
        datasets = tmp.resolve("datasets");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/cifar-10-binary.tar.gz", exchange -> {
            requests.incrementAndGet();
            byte[] body = served;
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    private DatasetFetcher fetcher() {
        return new DatasetFetcher(datasets, Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    /** A tar.gz of a tiny cifar-10-batches-bin folder (2 records per file) built by the test. */
    private byte[] tinyArchive(long seed) throws IOException {
        Path src = TinyCifar.cifar10(Files.createTempDirectory(tmp, "src"), 2);
        Files.write(src.resolve("data_batch_1.bin"), TinyCifar.records(1, new int[][]{{1}, {2}}, seed));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes));
             Stream<Path> files = Files.list(src)) {
            TarArchiveEntry dir = new TarArchiveEntry("cifar-10-batches-bin/");
            tar.putArchiveEntry(dir);
            tar.closeArchiveEntry();
            for (Path f : files.sorted().toList()) {
                addFile(tar, "cifar-10-batches-bin/" + f.getFileName(), Files.readAllBytes(f));
            }
        }
        return bytes.toByteArray();
    }

    private static void addFile(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(content.length);
        tar.putArchiveEntry(e);
        tar.write(content);
        tar.closeArchiveEntry();
    }

    private static String md5(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
    }

    private FetchSpec spec(String path, String md5) {
        return FetchSpec.official(DatasetKind.CIFAR10).withUrl(url(path)).withMd5(md5);
    }

    private List<String> datasetsEntries() throws IOException {
        if (!Files.exists(datasets)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(datasets)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void downloadsVerifiesAndInstalls() throws Exception {
        served = tinyArchive(1);
        DatasetFetcher.Result r = fetcher().fetch(spec("/cifar-10-binary.tar.gz", md5(served)), false);
        assertEquals(DatasetFetcher.Outcome.INSTALLED, r.outcome());
        assertEquals(List.of("cifar-10-batches-bin"), datasetsEntries(), "no temporary files left");
        ImageDataset train = CifarReader.read(CifarReader.Format.CIFAR10, r.folder(), true, false);
        assertEquals(10, train.size());
        assertEquals(1, train.label(0));
        assertTrue(Datasets.isInstalled(DatasetKind.CIFAR10, datasets));

        // A complete copy is left alone without --force (and nothing is downloaded).
        DatasetFetcher.Result again = fetcher().fetch(spec("/cifar-10-binary.tar.gz", md5(served)), false);
        assertEquals(DatasetFetcher.Outcome.ALREADY_PRESENT, again.outcome());
        assertEquals(1, requests.get());
    }

    @Test
    void forceReplacesAnExistingCopy() throws Exception {
        served = tinyArchive(1);
        fetcher().fetch(spec("/cifar-10-binary.tar.gz", md5(served)), false);
        byte[] before = Files.readAllBytes(datasets.resolve("cifar-10-batches-bin/data_batch_1.bin"));
        served = tinyArchive(2);
        fetcher().fetch(spec("/cifar-10-binary.tar.gz", md5(served)), true);
        byte[] after = Files.readAllBytes(datasets.resolve("cifar-10-batches-bin/data_batch_1.bin"));
        assertTrue(!java.util.Arrays.equals(before, after), "content should be the new archive's");
        assertEquals(List.of("cifar-10-batches-bin"), datasetsEntries());
    }

    @Test
    void corruptedDownloadIsRejectedAndLeavesNothing() throws Exception {
        served = tinyArchive(1);
        String wrong = md5(new byte[]{1, 2, 3});
        DatasetFetchException e = assertThrows(DatasetFetchException.class,
                () -> fetcher().fetch(spec("/cifar-10-binary.tar.gz", wrong), false));
        String m = e.getMessage();
        assertTrue(m.contains("checksum") && m.contains("expected " + wrong) && m.contains(md5(served)), m);
        assertManualHint(m);
        assertEquals(List.of(), datasetsEntries());
    }

    @Test
    void failedForcedFetchKeepsTheExistingCopy() throws Exception {
        served = tinyArchive(1);
        fetcher().fetch(spec("/cifar-10-binary.tar.gz", md5(served)), false);
        byte[] before = Files.readAllBytes(datasets.resolve("cifar-10-batches-bin/data_batch_1.bin"));
        assertThrows(DatasetFetchException.class,
                () -> fetcher().fetch(spec("/cifar-10-binary.tar.gz", md5(new byte[1])), true));
        assertArrayEquals(before, Files.readAllBytes(datasets.resolve("cifar-10-batches-bin/data_batch_1.bin")));
        assertEquals(List.of("cifar-10-batches-bin"), datasetsEntries());
    }

    @Test
    void http404IsReported() {
        DatasetFetchException e = assertThrows(DatasetFetchException.class,
                () -> fetcher().fetch(spec("/nothing-here.tar.gz", null), false));
        assertTrue(e.getMessage().contains("HTTP 404") && e.getMessage().contains("/nothing-here.tar.gz"), e.getMessage());
        assertManualHint(e.getMessage());
        assertTrue(datasetsEntries_unchecked().isEmpty());
    }

    @Test
    void unreachableHostIsReported() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        FetchSpec spec = FetchSpec.official(DatasetKind.CIFAR10)
                .withUrl(URI.create("http://127.0.0.1:" + closedPort + "/cifar-10-binary.tar.gz"));
        DatasetFetchException e = assertThrows(DatasetFetchException.class, () -> fetcher().fetch(spec, false));
        assertTrue(e.getMessage().contains("download from http://127.0.0.1:" + closedPort)
                && e.getMessage().contains("cannot connect"), e.getMessage());
        assertManualHint(e.getMessage());
        assertTrue(datasetsEntries_unchecked().isEmpty());
    }

    @Test
    void installsFromALocalArchive() throws Exception {
        byte[] archive = tinyArchive(3);
        Path file = Files.write(tmp.resolve("cifar-10-binary.tar.gz"), archive);
        DatasetFetcher.Result r = fetcher().installFromArchive(
                FetchSpec.official(DatasetKind.CIFAR10).withMd5(md5(archive)), file, false);
        assertEquals(DatasetFetcher.Outcome.INSTALLED, r.outcome());
        assertEquals(List.of("cifar-10-batches-bin"), datasetsEntries());
        assertEquals(0, requests.get());

        DatasetFetchException missing = assertThrows(DatasetFetchException.class, () -> fetcher()
                .installFromArchive(FetchSpec.official(DatasetKind.CIFAR10), tmp.resolve("nope.tar.gz"), true));
        assertTrue(missing.getMessage().contains("nope.tar.gz") && missing.getMessage().contains("does not exist"));
    }

    @Test
    void archiveWithoutTheExpectedFolderIsRejected() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
            addFile(tar, "something-else/readme.txt", new byte[]{1});
        }
        Path file = Files.write(tmp.resolve("other.tar.gz"), bytes.toByteArray());
        DatasetFetchException e = assertThrows(DatasetFetchException.class, () -> fetcher()
                .installFromArchive(FetchSpec.official(DatasetKind.CIFAR10).withMd5(null), file, false));
        assertTrue(e.getMessage().contains("does not contain the expected folder cifar-10-batches-bin/"), e.getMessage());
        assertEquals(List.of(), datasetsEntries());
    }

    @Test
    void entriesEscapingTheTargetAreRejected() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
            addFile(tar, "../evil.txt", new byte[]{1});
        }
        Path file = Files.write(tmp.resolve("evil.tar.gz"), bytes.toByteArray());
        DatasetFetchException e = assertThrows(DatasetFetchException.class, () -> fetcher()
                .installFromArchive(FetchSpec.official(DatasetKind.CIFAR10).withMd5(null), file, false));
        assertTrue(e.getMessage().contains("outside the target folder"), e.getMessage());
        assertTrue(Files.notExists(tmp.resolve("evil.txt")));
        assertEquals(List.of(), datasetsEntries());
    }

    @Test
    void fetchCommandInstallsFromFileAndReportsErrors() throws Exception {
        byte[] archive = tinyArchive(4);
        Path file = Files.write(tmp.resolve("cifar-10-binary.tar.gz"), archive);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new FetchCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int rc = cli.execute("cifar10", "--datasets-dir", datasets.toString(), "--from-file", file.toString(),
                "--md5", md5(archive));
        assertEquals(0, rc, err.toString());
        assertTrue(out.toString().contains("installed at"), out.toString());

        int rc2 = cli.execute("cifar10", "--datasets-dir", datasets.toString(), "--force",
                "--url", url("/missing").toString());
        assertEquals(1, rc2);
        assertTrue(err.toString().contains("HTTP 404"), err.toString());
        assertTrue(Datasets.isInstalled(DatasetKind.CIFAR10, datasets), "failed fetch must keep the old copy");

        assertEquals(2, cli.execute("mnist", "--datasets-dir", datasets.toString()));
    }

    private List<String> datasetsEntries_unchecked() {
        try {
            return datasetsEntries();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void assertManualHint(String m) {
        assertTrue(m.contains("--from-file") && m.contains("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz")
                && m.contains(datasets.toAbsolutePath().resolve("cifar-10-batches-bin").toString()), m);
    }
}

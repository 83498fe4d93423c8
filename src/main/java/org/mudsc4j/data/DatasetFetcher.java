package org.mudsc4j.data;

import me.tongfei.progressbar.ProgressBar;
import org.mudsc4j.util.AtomicFiles;
import org.mudsc4j.util.Progress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URLConnection;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Downloads an official dataset archive, verifies its MD5 and unpacks it under the datasets root without ever
 * leaving a partial result in place: the download goes to a temporary file, the archive is unpacked into a
 * temporary folder next to the target, checked, and only then renamed to its final name. Temporary names match
 * the {@code datasets/*.tmp*} pattern that git ignores.
 */
public final class DatasetFetcher {
    private static final Logger LOG = LoggerFactory.getLogger(DatasetFetcher.class);
    private static final int BUFFER = 1 << 16;

    /** What {@link #fetch} / {@link #installFromArchive} did. */
    public enum Outcome {
        INSTALLED,
        /** A complete copy was already there and {@code force} was off; nothing was touched. */
        ALREADY_PRESENT
    }

    /** The outcome and the dataset folder. */
    public record Result(Outcome outcome, Path folder) {
    }

    private final Path datasetsRoot;
    private final Duration connectTimeout;
    private final Duration readTimeout;

    public DatasetFetcher(Path datasetsRoot) {
        this(datasetsRoot, Duration.ofSeconds(30), Duration.ofSeconds(60));
    }

    /** @param readTimeout longest wait for the next bytes of the download */
    public DatasetFetcher(Path datasetsRoot, Duration connectTimeout, Duration readTimeout) {
        this.datasetsRoot = datasetsRoot.toAbsolutePath().normalize();
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
    }

    /**
     * Downloads {@code spec.url()}, verifies it and installs it as {@code datasetsRoot/spec.dirName()}.
     *
     * @param force replace a complete existing copy (otherwise it is left alone and ALREADY_PRESENT returned)
     */
    public Result fetch(FetchSpec spec, boolean force) throws DatasetFetchException {
        Path target = datasetsRoot.resolve(spec.dirName());
        if (!force && isComplete(spec)) {
            LOG.info("{} is already installed at {}; use --force to download it again", spec.kind(), target);
            return new Result(Outcome.ALREADY_PRESENT, target);
        }
        Path archive = null;
        try {
            Files.createDirectories(datasetsRoot);
            archive = Files.createTempFile(datasetsRoot, spec.archiveName() + ".", ".tmp");
            String md5 = download(spec, archive);
            verify(spec, md5, "download from " + spec.url());
            install(spec, archive, "the download from " + spec.url());
        } catch (DatasetFetchException e) {
            throw e;
        } catch (IOException e) {
            throw failure(spec, "download from " + spec.url() + " failed: " + describe(e), e);
        } finally {
            deleteQuietly(archive);
        }
        return new Result(Outcome.INSTALLED, target);
    }

    /** Verifies and installs an archive that was downloaded by hand ({@code mudsc fetch --from-file}). */
    public Result installFromArchive(FetchSpec spec, Path archiveFile, boolean force) throws DatasetFetchException {
        Path target = datasetsRoot.resolve(spec.dirName());
        if (!Files.isRegularFile(archiveFile)) {
            throw failure(spec, "archive file " + archiveFile.toAbsolutePath() + " does not exist", null);
        }
        if (!force && isComplete(spec)) {
            LOG.info("{} is already installed at {}; use --force to replace it", spec.kind(), target);
            return new Result(Outcome.ALREADY_PRESENT, target);
        }
        try {
            String md5;
            try (InputStream in = new DigestInputStream(Files.newInputStream(archiveFile), md5Digest())) {
                in.transferTo(OutputStream.nullOutputStream());
                md5 = HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
            }
            verify(spec, md5, "archive " + archiveFile.toAbsolutePath());
            Files.createDirectories(datasetsRoot);
            install(spec, archiveFile, "archive " + archiveFile.toAbsolutePath());
        } catch (DatasetFetchException e) {
            throw e;
        } catch (IOException e) {
            throw failure(spec, "installing archive " + archiveFile.toAbsolutePath() + " failed: " + describe(e), e);
        }
        return new Result(Outcome.INSTALLED, target);
    }

    /** Whether the dataset folder exists with all the files the reader needs. */
    public boolean isComplete(FetchSpec spec) {
        return Datasets.isInstalled(spec.kind(), datasetsRoot);
    }

    /** Streams the URL into {@code archive}, with a progress bar; returns the MD5 of the bytes received. */
    private String download(FetchSpec spec, Path archive) throws IOException {
        LOG.info("Downloading {} from {}", spec.archiveName(), spec.url());
        URLConnection conn = spec.url().toURL().openConnection();
        conn.setConnectTimeout((int) connectTimeout.toMillis());
        conn.setReadTimeout((int) readTimeout.toMillis());
        if (conn instanceof HttpURLConnection http) {
            int status = http.getResponseCode();
            if (status != HttpURLConnection.HTTP_OK) {
                http.disconnect();
                throw new IOException("the server answered HTTP " + status
                        + (http.getResponseMessage() == null ? "" : " " + http.getResponseMessage()));
            }
        }
        long length = conn.getContentLengthLong();
        MessageDigest digest = md5Digest();
        long received = 0;
        try (InputStream in = new DigestInputStream(new BufferedInputStream(conn.getInputStream(), BUFFER), digest);
             OutputStream out = Files.newOutputStream(archive);
             ProgressBar bar = Progress.start("Downloading " + spec.archiveName(),
                     length > 0 ? length / 1024 : -1, "KiB", LOG)) {
            byte[] buf = new byte[BUFFER];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
                received += n;
                bar.stepTo(received / 1024);
            }
        }
        if (length > 0 && received != length) {
            throw new IOException("the connection closed after " + received + " of " + length + " bytes");
        }
        LOG.info("Received {} bytes", received);
        return HexFormat.of().formatHex(digest.digest());
    }

    private void verify(FetchSpec spec, String actualMd5, String source) throws DatasetFetchException {
        if (spec.md5() == null) {
            LOG.warn("No checksum given for {}; installing it unverified (MD5 {})", source, actualMd5);
            return;
        }
        if (!spec.md5().equals(actualMd5)) {
            throw failure(spec, source + " failed the checksum: MD5 is " + actualMd5 + ", expected " + spec.md5()
                    + " (corrupt or incomplete file, or not the official archive); nothing was installed", null);
        }
        LOG.info("MD5 {} verified", actualMd5);
    }

    /** Unpacks into a temporary sibling folder, checks the result and renames it into place. */
    private void install(FetchSpec spec, Path archive, String source) throws IOException {
        Path target = datasetsRoot.resolve(spec.dirName());
        Path staging = Files.createTempDirectory(datasetsRoot, spec.dirName() + ".tmp-");
        Path old = null;
        try {
            TarGzExtractor.extract(archive, staging);
            Path unpacked = staging.resolve(spec.dirName());
            List<String> missing = requiredFiles(spec).stream()
                    .filter(f -> !Files.isRegularFile(unpacked.resolve(f))).toList();
            if (!missing.isEmpty()) {
                throw failure(spec, source + " does not contain the expected folder " + spec.dirName() + "/ with "
                        + requiredFiles(spec) + " (missing: " + missing + "); nothing was installed", null);
            }
            if (Files.exists(target)) {
                // Move the old copy aside first so the final rename never merges two folders.
                old = Files.createTempDirectory(datasetsRoot, spec.dirName() + ".tmp-old-");
                Files.delete(old);
                AtomicFiles.moveIntoPlace(target, old);
                LOG.info("Replacing existing {}", target);
            }
            try {
                AtomicFiles.moveIntoPlace(unpacked, target);
            } catch (IOException e) {
                if (old != null) {
                    AtomicFiles.moveIntoPlace(old, target);
                    old = null;
                }
                throw e;
            }
            LOG.info("Installed {} at {}", spec.kind(), target);
        } finally {
            deleteTree(staging);
            deleteTree(old);
        }
    }

    private static List<String> requiredFiles(FetchSpec spec) {
        return CifarReader.Format.of(spec.kind()).requiredFiles();
    }

    private DatasetFetchException failure(FetchSpec spec, String what, Throwable cause) {
        Path target = datasetsRoot.resolve(spec.dirName());
        return new DatasetFetchException("Fetching " + spec.kind() + " failed: " + what + ". To install it by hand, "
                + "download " + FetchSpec.official(spec.kind()).url() + " and run `mudsc fetch " + spec.kind().id()
                + " --from-file <path to " + spec.archiveName() + ">`, or unpack it yourself so that " + target
                + " holds " + requiredFiles(spec) + ".", cause);
    }

    private static String describe(IOException e) {
        if (e instanceof UnknownHostException) {
            return "unknown host " + e.getMessage() + " (no network or DNS?)";
        }
        if (e instanceof ConnectException) {
            return "cannot connect (" + e.getMessage() + ")";
        }
        if (e instanceof SocketTimeoutException) {
            return "timed out (" + e.getMessage() + ")";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static MessageDigest md5Digest() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("The JDK has no MD5", e);
        }
    }

    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("Could not delete temporary file {}: {}", file, e.getMessage());
        }
    }

    private static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(DatasetFetcher::deleteQuietly);
        } catch (IOException e) {
            LOG.warn("Could not delete temporary folder {}: {}", dir, e.getMessage());
        }
    }
}

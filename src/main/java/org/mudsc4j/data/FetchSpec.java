package org.mudsc4j.data;

import java.net.URI;
import java.util.Locale;

/**
 * What to download for one dataset: the archive's URL and expected MD5, the archive's file name (for the manual
 * instructions), and the folder it unpacks to.
 *
 * @param md5 lower-case hex digest, or null to skip verification (only sensible for a local mirror)
 */
public record FetchSpec(DatasetKind kind, URI url, String md5, String archiveName) {
    public FetchSpec {
        if (md5 != null && !md5.matches("[0-9a-fA-F]{32}")) {
            throw new IllegalArgumentException("MD5 must be 32 hex digits, got '" + md5 + "'");
        }
        md5 = md5 == null ? null : md5.toLowerCase(Locale.ROOT);
    }

    /** The official binary archives from the CIFAR home page. */
    public static FetchSpec official(DatasetKind kind) {
        return switch (kind) {
            case CIFAR10 -> new FetchSpec(kind, URI.create("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"),
                    "c32a1d4ab5d03f1284b67883e8d87530", "cifar-10-binary.tar.gz");
            case CIFAR100 -> new FetchSpec(kind, URI.create("https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz"),
                    "03b5dce01913d631647c71ecec9e9cb8", "cifar-100-binary.tar.gz");
            case FASHION_MNIST -> throw new IllegalArgumentException(
                    "Fashion-MNIST ships with the repository (datasets/fashion-mnist/); nothing to fetch");
        };
    }

    public FetchSpec withUrl(URI newUrl) {
        return new FetchSpec(kind, newUrl, md5, archiveName);
    }

    public FetchSpec withMd5(String newMd5) {
        return new FetchSpec(kind, url, newMd5, archiveName);
    }

    /** The folder (under the datasets root) the archive unpacks to, e.g. "cifar-10-batches-bin". */
    public String dirName() {
        return kind.dirName();
    }
}

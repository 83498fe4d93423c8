package org.mudsc4j.data;

import java.io.IOException;
import java.nio.file.Path;

/** A dataset file exists but its content is not what the format promises (wrong magic, truncated, bad label...). */
public class DatasetFormatException extends IOException {
    private final transient Path file;

    public DatasetFormatException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    /** The offending file. */
    public Path file() {
        return file;
    }
}

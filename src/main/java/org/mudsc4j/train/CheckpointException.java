package org.mudsc4j.train;

import java.io.IOException;

/** A checkpoint that cannot be read: missing or corrupt model zip or sidecar, or the two do not match. */
public class CheckpointException extends IOException {
    private static final long serialVersionUID = 1L;

    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}

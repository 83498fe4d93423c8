package org.mudsc4j.data;

import java.io.IOException;

/** Fetching or installing a dataset failed; the message says why and how to install it by hand. */
public class DatasetFetchException extends IOException {
    public DatasetFetchException(String message, Throwable cause) {
        super(message, cause);
    }
}

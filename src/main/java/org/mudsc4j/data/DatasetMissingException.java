package org.mudsc4j.data;

import java.io.IOException;

/** A dataset's files are not where they should be; the message says where it looked and how to get them. */
public class DatasetMissingException extends IOException {
    public DatasetMissingException(String message) {
        super(message);
    }
}

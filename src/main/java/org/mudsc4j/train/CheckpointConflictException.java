package org.mudsc4j.train;

/**
 * A readable checkpoint that this run must not touch: it is finished and overwriting was not requested, or
 * it belongs to a different run (architecture, split, seed, embeddings or recipe differ).
 */
public class CheckpointConflictException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public CheckpointConflictException(String message) {
        super(message);
    }
}

package org.mudsc4j.cli;

import java.nio.file.Path;

/**
 * The folder mudsc4j is installed in (the launcher passes it as {@code -Dmudsc4j.home}); the defaults of
 * {@code --datasets-dir}, {@code --results-dir}, experiments and output folders live there, so the commands work
 * from any current folder. Paths the user gives are taken as given (relative to the current folder). Without the
 * property (tests, an IDE) the home is the current folder.
 */
final class Installation {
    static final String PROPERTY = "mudsc4j.home";
    /** Picocli default-value prefix: the home folder, or {@code .} when the property is unset. */
    static final String HOME = "${sys:" + PROPERTY + ":-.}";

    private Installation() {
    }

    /** The installation folder. */
    static Path home() {
        String h = System.getProperty(PROPERTY);
        return Path.of(h == null || h.isBlank() ? "." : h);
    }

    /** A path inside the installation folder. */
    static Path resolve(String first, String... more) {
        return home().resolve(Path.of(first, more));
    }
}

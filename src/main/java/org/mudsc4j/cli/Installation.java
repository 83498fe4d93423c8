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

    /**
     * The source version results are stamped with: {@code git <commit>}, plus {@code with uncommitted changes} when
     * the work tree differs from it (files under {@code results/} excepted: runs write there); {@code unknown} when
     * the installation is not a git checkout or git is missing.
     */
    static String sourceVersion() {
        String commit = git("rev-parse", "HEAD");
        if (commit == null || commit.isBlank()) {
            return "unknown (not a git checkout)";
        }
        String changes = git("status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)results");
        return "git " + commit.trim() + (changes == null ? "" : changes.isBlank() ? "" : " with uncommitted changes");
    }

    private static String git(String... args) {
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("git", "-C", home().toString()));
        cmd.addAll(java.util.List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            return p.waitFor() == 0 ? out : null;
        } catch (java.io.IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}

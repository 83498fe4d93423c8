package org.mudsc4j.dl4j;

/** The {@code -Dmudsc4j.*=true|false} switches that turn the fast paths off (each defaults to on). */
final class Switches {
    private Switches() {
    }

    /** Whether {@code property} is unset, empty or "true"; "false" turns it off; anything else is an error. */
    static boolean on(String property) {
        String v = System.getProperty(property, "true").trim();
        if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false") && !v.isEmpty()) {
            throw new IllegalArgumentException("-D" + property + "=" + v + ": expected true or false");
        }
        return !v.equalsIgnoreCase("false");
    }
}

package org.mudsc4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A one-line description of the machine, written beside every result. */
final class Machine {
    private Machine() {
    }

    static String describe() {
        String cpu = "unknown CPU";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(cpu);
        } catch (IOException | RuntimeException e) {
            // not Linux: keep the generic description
        }
        long memGb = Math.round(((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getTotalMemorySize() / 1e9);
        // the vector ISA decides oneDNN's channel block (8 or 16) and so the float rounding of every pass
        return Runtime.getRuntime().availableProcessors() + " cores, " + cpu + " (" + vectorIsa() + "), " + memGb
                + " GB RAM, " + System.getProperty("os.name") + ", Java " + System.getProperty("java.version");
    }

    private static String vectorIsa() {
        try {
            String flags = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("flags"))
                    .findFirst().orElse("");
            return flags.contains(" avx512f") ? "AVX-512" : flags.contains(" avx2") ? "AVX2" : "no AVX2";
        } catch (IOException | RuntimeException e) {
            return "ISA unknown";
        }
    }
}

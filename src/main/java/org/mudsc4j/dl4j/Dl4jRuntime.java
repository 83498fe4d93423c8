package org.mudsc4j.dl4j;

import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One place for the process-wide DL4J/ND4J settings the project relies on.
 *
 * <p>DL4J 1.0.0-M2.1 ships its oneDNN layer helpers disabled (system property
 * {@value #HELPERS_DISABLE_PROPERTY} defaults to {@code true}); together with the renamed environment class
 * (see {@link org.nd4j.nativeblas.Nd4jCpu}) this makes training ~10x slower. {@link #init()} must run before
 * the first layer is instantiated; every zoo builder and command calls it.
 */
public final class Dl4jRuntime {
    public static final String HELPERS_DISABLE_PROPERTY = "org.eclipse.deeplearning4j.helpers.disable";
    private static final Logger LOG = LoggerFactory.getLogger(Dl4jRuntime.class);
    private static volatile boolean initialised;

    private Dl4jRuntime() {
    }

    /** Enables DL4J's native (oneDNN) layer helpers unless the user explicitly disabled them. Idempotent. */
    public static synchronized void init() {
        if (initialised) {
            return;
        }
        if (System.getProperty(HELPERS_DISABLE_PROPERTY) == null) {
            System.setProperty(HELPERS_DISABLE_PROPERTY, "false");
        }
        Nd4j.getEnvironment().allowHelpers(true);
        initialised = true;
        LOG.debug("ND4J backend {}, oneDNN helpers {}", backendName(),
                org.nd4j.nativeblas.Nd4jCpu.Environment.getInstance().isUseMKLDNN() ? "on" : "off");
    }

    /** The ND4J backend name as reported by the executioner ("CPU" or "CUDA"). */
    public static String backendName() {
        Object backend = Nd4j.getExecutioner().getEnvironmentInformation().get("backend");
        return backend == null ? "unknown" : backend.toString();
    }

    /** Library versions and backend, recorded in every sidecar (provenance). */
    public static String software() {
        String version = null;
        // The DL4J jars carry no Implementation-Version; their Maven metadata does.
        try (java.io.InputStream in = org.deeplearning4j.nn.graph.ComputationGraph.class.getClassLoader()
                .getResourceAsStream("META-INF/maven/org.deeplearning4j/deeplearning4j-nn/pom.properties")) {
            if (in != null) {
                java.util.Properties p = new java.util.Properties();
                p.load(in);
                version = p.getProperty("version");
            }
        } catch (java.io.IOException e) {
            // leave the version unknown
        }
        return "mudsc4j; deeplearning4j " + (version == null ? "(version unknown)" : version) + "; backend "
                + backendName();
    }
}

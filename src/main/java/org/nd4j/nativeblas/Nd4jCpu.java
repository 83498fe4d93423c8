package org.nd4j.nativeblas;

import java.lang.reflect.Method;

/**
 * Compatibility shim that revives DL4J's oneDNN layer helpers in 1.0.0-M2.1.
 *
 * <p>Why: {@code BaseMKLDNNHelper.mklDnnEnabled()} reflects on {@code org.nd4j.nativeblas.Nd4jCpu$Environment
 * #isUseMKLDNN}, a class that M2.1 renamed to {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment
 * #isUseONEDNN}. The lookup fails silently and every convolution falls back to the ~10x slower Java im2col path.
 * This class restores the old name and delegates to the new one, by reflection so that the project still
 * compiles against the CUDA backend (where the helpers are never consulted).
 *
 * <p>When to remove: once DL4J's {@code BaseMKLDNNHelper} looks up the new class name (check with
 * {@code OneDnnHelpersTest}).
 */
public final class Nd4jCpu {
    private Nd4jCpu() {
    }

    /** Mirrors the removed {@code Nd4jCpu.Environment} API that DL4J's helpers call reflectively. */
    public static final class Environment {
        private static final Environment INSTANCE = new Environment();
        private static final String NEW_ENVIRONMENT =
                "org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment";

        private Environment() {
        }

        public static Environment getInstance() {
            return INSTANCE;
        }

        /** True when the native CPU backend was built with oneDNN and has it switched on. */
        public boolean isUseMKLDNN() {
            try {
                Class<?> env = Class.forName(NEW_ENVIRONMENT);
                Object instance = env.getMethod("getInstance").invoke(null);
                Method isUse = env.getMethod("isUseONEDNN");
                return (Boolean) isUse.invoke(instance);
            } catch (ReflectiveOperationException | LinkageError e) {
                return false;
            }
        }
    }
}

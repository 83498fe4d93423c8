package org.mudsc4j.dl4j;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

/**
 * Copies a DL4J layer or vertex configuration into an instance of a subclass that adds behaviour but no fields.
 * DL4J's configuration builders and constructors are mostly private, so copying every inherited instance field is
 * the one way to turn a built configuration into the subclass without losing a setting.
 */
public final class LayerConfigCopy {
    private LayerConfigCopy() {
    }

    /** Copies every instance field declared in {@code base} and its superclasses from {@code source} to {@code target}. */
    public static <B, T extends B> T copyInto(Class<B> base, B source, T target) {
        for (Class<?> c = base; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                try {
                    f.setAccessible(true);
                    f.set(target, f.get(source));
                } catch (ReflectiveOperationException | RuntimeException e) {
                    throw new IllegalStateException("Cannot copy " + c.getSimpleName() + "." + f.getName()
                            + " into " + target.getClass().getSimpleName() + " (DL4J version change?)", e);
                }
            }
        }
        return target;
    }
}

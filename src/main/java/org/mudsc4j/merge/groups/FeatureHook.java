package org.mudsc4j.merge.groups;

import java.util.Objects;

/**
 * Where a group's activation features are read (ALGORITHM §4.1): the output activation of {@code vertex}, channel axis
 * 1, channels {@code [channelOffset, channelOffset + width)}. Every other axis of the activation (batch, height,
 * width, tokens) is a sample: {@code [B,C]} gives B samples, {@code [B,C,T]} gives B·T, {@code [B,C,H,W]} gives B·H·W.
 *
 * <p>The vertex named here is always one whose output is a fresh array (post-activation vertices, pools, norms,
 * custom layers), never the input of a DL4J {@code ActivationLayer}, which overwrites its input in place during
 * inference (DL4J-NOTES "aliasing trap").
 */
public record FeatureHook(String vertex, int channelOffset) {

    public FeatureHook {
        Objects.requireNonNull(vertex, "vertex");
        if (channelOffset < 0) {
            throw new IllegalArgumentException("channelOffset must be >= 0, got " + channelOffset);
        }
    }

    public static FeatureHook outputOf(String vertex) {
        return new FeatureHook(vertex, 0);
    }
}

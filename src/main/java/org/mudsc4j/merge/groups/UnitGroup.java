package org.mudsc4j.merge.groups;

import java.util.List;
import java.util.Objects;

/**
 * One permutation group (ALGORITHM §5.1, §9): a set of {@code width} units that must be permuted or merged together
 * across every parameter that produces or consumes them.
 *
 * @param id       position in the registration order (the reference's group index)
 * @param name     readable name, the vertex that first produces the units (e.g. {@code layer2.0.conv1},
 *                 {@code stream:layer2}, {@code blocks.3.attn.qk})
 * @param width    units per model, n
 * @param groups   structural groups g (GroupNorm groups, attention heads); 1 when ungrouped. {@code width % groups == 0}
 *                 and group k is the contiguous unit block {@code [k·width/g, (k+1)·width/g)} (ALGORITHM §8)
 * @param outputs  output-side entries in registration order
 * @param inputs   input-side entries in registration order
 * @param hook     where the activation features of these units are read
 * @param blockTie null, or a name shared by groups whose structural blocks must stay in one common order for the
 *                 network to keep its function: the q/k and v groups of one attention layer (head j of q/k must meet
 *                 head j of v). Matching still pairs them independently, as the reference does (ALGORITHM §8.3).
 */
public record UnitGroup(int id, String name, int width, int groups, List<ParamAxis> outputs, List<ParamAxis> inputs,
                        FeatureHook hook, String blockTie) {

    public UnitGroup {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(hook, "hook");
        if (width < 1 || groups < 1 || width % groups != 0) {
            throw new IllegalArgumentException("group " + name + ": width " + width + " is not a positive multiple of "
                    + groups + " structural groups");
        }
        outputs = List.copyOf(outputs);
        inputs = List.copyOf(inputs);
        if (outputs.isEmpty()) {
            throw new IllegalArgumentException("group " + name + " has no output-side parameter");
        }
    }

    /** A group without block tie. */
    public UnitGroup(int id, String name, int width, int groups, List<ParamAxis> outputs, List<ParamAxis> inputs,
                     FeatureHook hook) {
        this(id, name, width, groups, outputs, inputs, hook, null);
    }

    /** Whether matching must respect structural groups (group alignment / group zip, ALGORITHM §8). */
    public boolean isGrouped() {
        return groups > 1;
    }

    /** Output-side entries followed by input-side entries: the order weight vectors are concatenated in. */
    public List<ParamAxis> entries() {
        return java.util.stream.Stream.concat(outputs.stream(), inputs.stream()).toList();
    }
}

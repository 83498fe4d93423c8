package org.mudsc4j.zoo;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Immutable description of one zoo architecture; {@link ModelZoo} turns it into a network.
 *
 * <h2>Compact string form</h2>
 * {@link #compact()} and {@link #parse(String)} round-trip exactly. Grammar (fields equal to their default are
 * omitted when writing):
 * <pre>
 *   spec   := arch ['-g' groups] ['-b' base] ['-e' embed] ['@' C 'x' H 'x' W]
 *   arch   := 'resnet20' ['gn'] 'x' widthMultiplier
 *           | 'resnet26' ['gn'] | 'resnet50' ['gn']
 *           | 'vit-p' patch '-d' depth '-w' dim '-h' heads ['-m' mlpRatio]
 * </pre>
 * Defaults: GroupNorm groups 8 (ResNet-20) / 32 (ResNet-26/50); bottleneck base width 64 (stage widths
 * base·{1,2,4,8}, outputs ×4); embedding 512; input 3×32×32; ViT MLP ratio 4. Examples: {@code resnet20x4},
 * {@code resnet20gnx16} (8 groups), {@code resnet20x1@1x28x28}, {@code resnet26@3x224x224},
 * {@code resnet50gn-g4-b8} (tiny test variant), {@code vit-p16-d12-w384-h6@3x384x384} (timm ViT-S/16-384).
 *
 * @param architecture    the network family
 * @param widthMultiplier ResNet-20 width w (channels 16w/32w/64w); must be 1 for the others
 * @param norm            BATCH or GROUP for ResNets; always LAYER for ViT
 * @param groups          GroupNorm groups when norm is GROUP, otherwise 0
 * @param baseWidth       bottleneck ResNets: stem / first-stage inner width (64 in the real models); otherwise 0
 * @param input           input shape (follows the dataset)
 * @param embedDim        width of the final Linear (the CLIP-head embedding), 512 in the paper
 * @param vit             ViT settings; null for ResNets
 */
public record ModelSpec(Architecture architecture, int widthMultiplier, Norm norm, int groups, int baseWidth,
                        InputShape input, int embedDim, VitSettings vit) {

    public enum Architecture { RESNET20, RESNET26, RESNET50, VIT }

    public enum Norm { BATCH, GROUP, LAYER }

    /** Channels × height × width of one input image. */
    public record InputShape(int channels, int height, int width) {
        public InputShape {
            if (channels <= 0 || height <= 0 || width <= 0) {
                throw new IllegalArgumentException("input shape must be positive, got " + channels + "x" + height
                        + "x" + width);
            }
        }

        @Override
        public String toString() {
            return channels + "x" + height + "x" + width;
        }
    }

    /** ViT hyper-parameters: patch size, number of blocks, token width, attention heads, MLP hidden = ratio·dim. */
    public record VitSettings(int patch, int depth, int dim, int heads, int mlpRatio) {
        public VitSettings {
            if (patch <= 0 || depth <= 0 || dim <= 0 || heads <= 0 || mlpRatio <= 0) {
                throw new IllegalArgumentException("ViT settings must be positive: " + this);
            }
            if (dim % heads != 0) {
                throw new IllegalArgumentException("ViT dim " + dim + " is not divisible by heads " + heads);
            }
        }
    }

    public static final InputShape DEFAULT_INPUT = new InputShape(3, 32, 32);
    public static final int DEFAULT_EMBED = 512;
    public static final int RESNET20_GROUPS = 8;
    public static final int BOTTLENECK_GROUPS = 32;
    public static final int BOTTLENECK_BASE = 64;
    public static final int DEFAULT_MLP_RATIO = 4;

    public ModelSpec {
        if (architecture == null || norm == null || input == null) {
            throw new IllegalArgumentException("architecture, norm and input are required");
        }
        if (embedDim <= 0) {
            throw new IllegalArgumentException("embedDim must be > 0, got " + embedDim);
        }
        boolean isVit = architecture == Architecture.VIT;
        if (isVit != (vit != null)) {
            throw new IllegalArgumentException(isVit ? "VIT needs ViT settings" : architecture + " takes no ViT settings");
        }
        if (isVit != (norm == Norm.LAYER)) {
            throw new IllegalArgumentException(architecture + " cannot use norm " + norm
                    + " (ViT uses LAYER, ResNets BATCH or GROUP)");
        }
        if ((norm == Norm.GROUP) != (groups > 0)) {
            throw new IllegalArgumentException("groups must be > 0 exactly when norm is GROUP, got norm " + norm
                    + " with groups " + groups);
        }
        if (widthMultiplier <= 0 || (architecture != Architecture.RESNET20 && widthMultiplier != 1)) {
            throw new IllegalArgumentException("widthMultiplier must be >= 1 for RESNET20 and 1 otherwise, got "
                    + widthMultiplier + " for " + architecture);
        }
        boolean bottleneck = architecture == Architecture.RESNET26 || architecture == Architecture.RESNET50;
        if (bottleneck ? baseWidth <= 0 : baseWidth != 0) {
            throw new IllegalArgumentException("baseWidth must be > 0 for bottleneck ResNets and 0 otherwise, got "
                    + baseWidth + " for " + architecture);
        }
        if (isVit && (input.height() % vit.patch() != 0 || input.width() % vit.patch() != 0)) {
            throw new IllegalArgumentException("input " + input + " is not divisible by ViT patch " + vit.patch());
        }
    }

    /** ResNet-20 ×w with BatchNorm, or GroupNorm with 8 groups. */
    public static ModelSpec resnet20(int widthMultiplier, Norm norm) {
        return new ModelSpec(Architecture.RESNET20, widthMultiplier, norm, norm == Norm.GROUP ? RESNET20_GROUPS : 0,
                0, DEFAULT_INPUT, DEFAULT_EMBED, null);
    }

    /** timm resnet26 (BATCH) or its GroupNorm twin (32 groups). */
    public static ModelSpec resnet26(Norm norm) {
        return bottleneck(Architecture.RESNET26, norm);
    }

    /** timm resnet50 (BATCH) or resnet50_gn (GROUP, 32 groups). */
    public static ModelSpec resnet50(Norm norm) {
        return bottleneck(Architecture.RESNET50, norm);
    }

    private static ModelSpec bottleneck(Architecture arch, Norm norm) {
        return new ModelSpec(arch, 1, norm, norm == Norm.GROUP ? BOTTLENECK_GROUPS : 0, BOTTLENECK_BASE,
                DEFAULT_INPUT, DEFAULT_EMBED, null);
    }

    public static ModelSpec vit(int patch, int depth, int dim, int heads, int mlpRatio) {
        return new ModelSpec(Architecture.VIT, 1, Norm.LAYER, 0, 0, DEFAULT_INPUT, DEFAULT_EMBED,
                new VitSettings(patch, depth, dim, heads, mlpRatio));
    }

    public ModelSpec withInput(int channels, int height, int width) {
        return new ModelSpec(architecture, widthMultiplier, norm, groups, baseWidth,
                new InputShape(channels, height, width), embedDim, vit);
    }

    public ModelSpec withEmbedDim(int d) {
        return new ModelSpec(architecture, widthMultiplier, norm, groups, baseWidth, input, d, vit);
    }

    public ModelSpec withGroups(int g) {
        return new ModelSpec(architecture, widthMultiplier, norm, g, baseWidth, input, embedDim, vit);
    }

    public ModelSpec withBaseWidth(int base) {
        return new ModelSpec(architecture, widthMultiplier, norm, groups, base, input, embedDim, vit);
    }

    private int defaultGroups() {
        if (norm != Norm.GROUP) {
            return 0;
        }
        return architecture == Architecture.RESNET20 ? RESNET20_GROUPS : BOTTLENECK_GROUPS;
    }

    /** The compact string form; see the class comment. */
    public String compact() {
        StringBuilder sb = new StringBuilder();
        String gn = norm == Norm.GROUP ? "gn" : "";
        switch (architecture) {
            case RESNET20 -> sb.append("resnet20").append(gn).append('x').append(widthMultiplier);
            case RESNET26 -> sb.append("resnet26").append(gn);
            case RESNET50 -> sb.append("resnet50").append(gn);
            case VIT -> {
                sb.append("vit-p").append(vit.patch()).append("-d").append(vit.depth()).append("-w").append(vit.dim())
                        .append("-h").append(vit.heads());
                if (vit.mlpRatio() != DEFAULT_MLP_RATIO) {
                    sb.append("-m").append(vit.mlpRatio());
                }
            }
            default -> throw new IllegalStateException("unknown architecture " + architecture);
        }
        if (groups != defaultGroups()) {
            sb.append("-g").append(groups);
        }
        if (baseWidth != 0 && baseWidth != BOTTLENECK_BASE) {
            sb.append("-b").append(baseWidth);
        }
        if (embedDim != DEFAULT_EMBED) {
            sb.append("-e").append(embedDim);
        }
        if (!input.equals(DEFAULT_INPUT)) {
            sb.append('@').append(input);
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return compact();
    }

    private static final Pattern SPEC = Pattern.compile(
            "(?<arch>resnet20(?<gn20>gn)?x(?<w>\\d+)|resnet(?<depth>26|50)(?<gnb>gn)?"
                    + "|vit-p(?<p>\\d+)-d(?<d>\\d+)-w(?<dim>\\d+)-h(?<h>\\d+)(?:-m(?<m>\\d+))?)"
                    + "(?:-g(?<g>\\d+))?(?:-b(?<b>\\d+))?(?:-e(?<e>\\d+))?(?:@(?<c>\\d+)x(?<ih>\\d+)x(?<iw>\\d+))?");

    /**
     * Parses the compact form (case-insensitive).
     *
     * @throws IllegalArgumentException naming the offending text and the expected grammar
     */
    public static ModelSpec parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("model spec is null");
        }
        Matcher m = SPEC.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("cannot parse model spec '" + text + "'; expected e.g. resnet20x4, "
                    + "resnet20gnx16, resnet26, resnet50gn, vit-p16-d12-w384-h6[-m4], optionally followed by "
                    + "-g<groups> -b<baseWidth> -e<embedDim> @<C>x<H>x<W>");
        }
        try {
            ModelSpec spec;
            if (m.group("w") != null) {
                spec = resnet20(Integer.parseInt(m.group("w")), m.group("gn20") != null ? Norm.GROUP : Norm.BATCH);
            } else if (m.group("depth") != null) {
                Norm norm = m.group("gnb") != null ? Norm.GROUP : Norm.BATCH;
                spec = m.group("depth").equals("26") ? resnet26(norm) : resnet50(norm);
            } else {
                int ratio = m.group("m") == null ? DEFAULT_MLP_RATIO : Integer.parseInt(m.group("m"));
                spec = vit(Integer.parseInt(m.group("p")), Integer.parseInt(m.group("d")),
                        Integer.parseInt(m.group("dim")), Integer.parseInt(m.group("h")), ratio);
            }
            if (m.group("g") != null) {
                spec = spec.withGroups(Integer.parseInt(m.group("g")));
            }
            if (m.group("b") != null) {
                spec = spec.withBaseWidth(Integer.parseInt(m.group("b")));
            }
            if (m.group("e") != null) {
                spec = spec.withEmbedDim(Integer.parseInt(m.group("e")));
            }
            if (m.group("c") != null) {
                spec = spec.withInput(Integer.parseInt(m.group("c")), Integer.parseInt(m.group("ih")),
                        Integer.parseInt(m.group("iw")));
            }
            return spec;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid model spec '" + text + "': " + e.getMessage(), e);
        }
    }
}

package org.mudsc4j.data;

import java.util.SplittableRandom;

/**
 * Training-time augmentation on uint8 CHW images: torchvision's {@code RandomCrop(size, padding)} (zero padding, so
 * pixels shifted in from outside are black before normalisation) followed by an optional
 * {@code RandomHorizontalFlip(0.5)}. The output has the input's shape.
 *
 * @param padding zero padding on every side; the content shifts by up to this many pixels in each direction
 * @param flip    whether to mirror left-right with probability 1/2
 */
public record Augmentation(int padding, boolean flip) {
    /** No augmentation (evaluation, BatchNorm statistics without augmentation). */
    public static final Augmentation NONE = new Augmentation(0, false);

    public Augmentation {
        if (padding < 0) {
            throw new IllegalArgumentException("padding must be >= 0, got " + padding);
        }
    }

    public boolean isIdentity() {
        return padding == 0 && !flip;
    }

    /**
     * Augments one image. Draws the crop offsets (uniform in [0, 2·padding]) and then the flip coin from
     * {@code rng}, in that order, so the result depends only on the RNG state.
     *
     * @param src    pixels of a whole dataset or one image
     * @param srcOff offset of this image's first byte in {@code src}
     * @param dst    receives channels·height·width bytes starting at 0
     */
    public void apply(byte[] src, int srcOff, int channels, int height, int width, SplittableRandom rng, byte[] dst) {
        int top = padding == 0 ? 0 : rng.nextInt(2 * padding + 1);
        int left = padding == 0 ? 0 : rng.nextInt(2 * padding + 1);
        boolean mirror = flip && rng.nextBoolean();
        shift(src, srcOff, channels, height, width, top - padding, left - padding, mirror, dst);
    }

    /**
     * Writes {@code dst(y, x) = src(y + dy, x' + dx)} with {@code x' = mirror ? width-1-x : x}, and 0 where the
     * source position lies outside the image. Cropping the padded image at (top, left) equals dy = top - padding.
     */
    static void shift(byte[] src, int srcOff, int channels, int height, int width, int dy, int dx, boolean mirror,
                      byte[] dst) {
        int plane = height * width;
        for (int c = 0; c < channels; c++) {
            int cSrc = srcOff + c * plane;
            int cDst = c * plane;
            for (int y = 0; y < height; y++) {
                int sy = y + dy;
                int rowDst = cDst + y * width;
                if (sy < 0 || sy >= height) {
                    java.util.Arrays.fill(dst, rowDst, rowDst + width, (byte) 0);
                    continue;
                }
                int rowSrc = cSrc + sy * width;
                for (int x = 0; x < width; x++) {
                    int sx = (mirror ? width - 1 - x : x) + dx;
                    dst[rowDst + x] = (sx < 0 || sx >= width) ? 0 : src[rowSrc + sx];
                }
            }
        }
    }
}

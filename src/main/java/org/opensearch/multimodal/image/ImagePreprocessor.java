package org.opensearch.multimodal.image;

import java.awt.image.BufferedImage;

/**
 * RGB pixels to a model's {@code pixel_values} tensor (channels first, float32) with the steps of a
 * {@link PreprocessorConfig}, in the order Hugging Face applies them: resize, center crop, rescale, normalize.
 */
public final class ImagePreprocessor {

    private final PreprocessorConfig config;

    public ImagePreprocessor(PreprocessorConfig config) {
        this.config = config;
    }

    /** The height of the tensor {@link #toTensor} makes of {@code image}. */
    public int outputHeight(BufferedImage image) {
        if (config.doCenterCrop()) {
            return config.cropHeight();
        }
        if (config.doResize() == false) {
            return image.getHeight();
        }
        if (config.shortestEdge() < 0) {
            return config.resizeHeight();
        }
        return image.getWidth() <= image.getHeight()
            ? (int) ((long) config.shortestEdge() * image.getHeight() / image.getWidth())
            : config.shortestEdge();
    }

    /** {@code [3, height, width]} values, channel planes one after the other. */
    public float[] toTensor(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        int[] rgb = interleavedRgb(image);
        if (config.doResize()) {
            int newWidth;
            int newHeight;
            if (config.shortestEdge() > 0) {
                // Hugging Face's get_resize_output_image_size: the short side becomes shortest_edge, the long side is floored
                int shortSide = Math.min(width, height);
                int longSide = Math.max(width, height);
                int newLong = (int) ((long) config.shortestEdge() * longSide / shortSide);
                newWidth = width <= height ? config.shortestEdge() : newLong;
                newHeight = width <= height ? newLong : config.shortestEdge();
            } else {
                newWidth = config.resizeWidth();
                newHeight = config.resizeHeight();
            }
            rgb = PillowResize.resize(rgb, width, height, newWidth, newHeight, config.filter());
            width = newWidth;
            height = newHeight;
        }
        int top = 0;
        int left = 0;
        int outHeight = height;
        int outWidth = width;
        if (config.doCenterCrop()) {
            outHeight = config.cropHeight();
            outWidth = config.cropWidth();
            top = Math.floorDiv(height - outHeight, 2);
            left = Math.floorDiv(width - outWidth, 2);
        }
        float scale = config.doRescale() ? (float) config.rescaleFactor() : 1f;
        float[] tensor = new float[3 * outHeight * outWidth];
        int plane = outHeight * outWidth;
        for (int y = 0; y < outHeight; y++) {
            for (int x = 0; x < outWidth; x++) {
                int sy = y + top;
                int sx = x + left;
                boolean inside = sy >= 0 && sy < height && sx >= 0 && sx < width; // a crop larger than the image pads with 0
                for (int c = 0; c < 3; c++) {
                    float value = inside ? rgb[(sy * width + sx) * 3 + c] * scale : 0f;
                    if (config.doNormalize()) {
                        value = (value - config.mean()[c]) / config.std()[c];
                    }
                    tensor[c * plane + y * outWidth + x] = value;
                }
            }
        }
        return tensor;
    }

    private static int[] interleavedRgb(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        int[] packed = image.getRGB(0, 0, width, height, null, 0, width);
        int[] rgb = new int[packed.length * 3];
        for (int i = 0; i < packed.length; i++) {
            rgb[i * 3] = (packed[i] >> 16) & 0xff;
            rgb[i * 3 + 1] = (packed[i] >> 8) & 0xff;
            rgb[i * 3 + 2] = packed[i] & 0xff;
        }
        return rgb;
    }
}

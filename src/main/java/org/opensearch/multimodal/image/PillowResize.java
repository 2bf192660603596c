package org.opensearch.multimodal.image;

/**
 * Resizing as Pillow's {@code Image.resize} does it (the resampling Hugging Face image processors use): separable
 * convolution, horizontal pass first, the kernel widened by the scale when shrinking (antialiasing), coefficients
 * in 22-bit fixed point and 8-bit results between passes. Matching it pixel for pixel is what keeps embeddings equal
 * to the ones the model was trained and exported with.
 */
final class PillowResize {

    /** Pillow's resampling filters by their {@code resample} number. */
    enum Filter {

        BILINEAR(1.0) {

            @Override
            double weight(double x) {
                x = Math.abs(x);
                return x < 1.0 ? 1.0 - x : 0.0;
            }
        },
        BICUBIC(2.0) {

            @Override
            double weight(double x) {
                final double a = -0.5;
                x = Math.abs(x);
                if (x < 1.0) {
                    return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
                }
                if (x < 2.0) {
                    return (((x - 5) * x + 8) * x - 4) * a;
                }
                return 0.0;
            }
        };

        final double support;

        Filter(double support) {
            this.support = support;
        }

        abstract double weight(double x);

        static Filter ofPillowNumber(int resample) {
            return switch (resample) {
                case 2 -> BILINEAR;
                case 3 -> BICUBIC;
                default ->
                    throw new IllegalArgumentException("[resample] " + resample + " is not supported: use 2 (bilinear) or 3 (bicubic)");
            };
        }
    }

    private static final int PRECISION_BITS = 32 - 8 - 2;

    private PillowResize() {
    }

    /** Resizes interleaved 8-bit RGB ({@code rgb[(y * width + x) * 3 + c]}) to {@code newWidth x newHeight}. */
    static int[] resize(int[] rgb, int width, int height, int newWidth, int newHeight, Filter filter) {
        int[] pixels = rgb;
        int w = width;
        if (newWidth != width) {
            pixels = pass(pixels, w, height, newWidth, filter, true);
            w = newWidth;
        }
        if (newHeight != height) {
            pixels = pass(pixels, w, height, newHeight, filter, false);
        }
        return pixels;
    }

    /** One pass along x ({@code horizontal}) or y, from {@code width x height} to {@code outSize} along that axis. */
    private static int[] pass(int[] in, int width, int height, int outSize, Filter filter, boolean horizontal) {
        int inSize = horizontal ? width : height;
        Coefficients k = Coefficients.of(inSize, outSize, filter);
        int outWidth = horizontal ? outSize : width;
        int outHeight = horizontal ? height : outSize;
        int[] out = new int[outWidth * outHeight * 3];
        for (int y = 0; y < outHeight; y++) {
            for (int x = 0; x < outWidth; x++) {
                int o = horizontal ? x : y;
                int min = k.min[o];
                for (int c = 0; c < 3; c++) {
                    long sum = 1L << (PRECISION_BITS - 1);
                    for (int i = 0; i < k.size[o]; i++) {
                        int source = horizontal ? ((y * width + min + i) * 3 + c) : (((min + i) * width + x) * 3 + c);
                        sum += (long) in[source] * k.weights[o][i];
                    }
                    out[(y * outWidth + x) * 3 + c] = clip8(sum);
                }
            }
        }
        return out;
    }

    private static int clip8(long value) {
        if (value >= (256L << PRECISION_BITS)) {
            return 255;
        }
        if (value <= 0) {
            return 0;
        }
        return (int) (value >> PRECISION_BITS);
    }

    /** For each output position: the first input index, how many inputs, and their fixed-point weights. */
    private record Coefficients(int[] min, int[] size, int[][] weights) {

        static Coefficients of(int inSize, int outSize, Filter filter) {
            double scale = (double) inSize / outSize;
            double filterScale = Math.max(scale, 1.0);
            double support = filter.support * filterScale;
            int[] min = new int[outSize];
            int[] size = new int[outSize];
            int[][] weights = new int[outSize][];
            for (int o = 0; o < outSize; o++) {
                double center = (o + 0.5) * scale;
                int lo = Math.max((int) (center - support + 0.5), 0);
                int hi = Math.min((int) (center + support + 0.5), inSize);
                double[] w = new double[hi - lo];
                double total = 0;
                for (int i = 0; i < w.length; i++) {
                    w[i] = filter.weight((i + lo - center + 0.5) / filterScale);
                    total += w[i];
                }
                int[] fixed = new int[w.length];
                for (int i = 0; i < w.length; i++) {
                    double normalized = total == 0 ? w[i] : w[i] / total;
                    fixed[i] = (int) (normalized < 0 ? -0.5 + normalized * (1 << PRECISION_BITS)
                        : 0.5 + normalized * (1 << PRECISION_BITS));
                }
                min[o] = lo;
                size[o] = w.length;
                weights[o] = fixed;
            }
            return new Coefficients(min, size, weights);
        }
    }
}

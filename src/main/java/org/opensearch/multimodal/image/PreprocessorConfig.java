package org.opensearch.multimodal.image;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A Hugging Face {@code preprocessor_config.json} (CLIP-style image processors): resize (shortest edge or fixed size),
 * center crop, rescale, normalize. Absent keys take the Hugging Face defaults of {@code CLIPImageProcessor}.
 */
public record PreprocessorConfig(
    boolean doResize,
    int shortestEdge,
    int resizeHeight,
    int resizeWidth,
    PillowResize.Filter filter,
    boolean doCenterCrop,
    int cropHeight,
    int cropWidth,
    boolean doRescale,
    double rescaleFactor,
    boolean doNormalize,
    float[] mean,
    float[] std
) {

    private static final List<Double> CLIP_MEAN = List.of(0.48145466, 0.4578275, 0.40821073);
    private static final List<Double> CLIP_STD = List.of(0.26862954, 0.26130258, 0.27577711);

    public static PreprocessorConfig parse(Map<String, Object> json) {
        int shortest = -1;
        int height = -1;
        int width = -1;
        Object size = json.getOrDefault("size", Map.of("shortest_edge", 224));
        if (size instanceof Number n) {
            shortest = n.intValue();
        } else if (size instanceof Map<?, ?> map && map.get("shortest_edge") instanceof Number n) {
            shortest = n.intValue();
        } else if (size instanceof Map<?, ?> map && map.get("height") instanceof Number h && map.get("width") instanceof Number w) {
            height = h.intValue();
            width = w.intValue();
        } else {
            throw new IllegalArgumentException(
                "[size] must be a number, {\"shortest_edge\": n} or {\"height\": h, \"width\": w}, got " + size
            );
        }
        int cropHeight;
        int cropWidth;
        Object crop = json.getOrDefault("crop_size", Map.of("height", 224, "width", 224));
        if (crop instanceof Number n) {
            cropHeight = cropWidth = n.intValue();
        } else if (crop instanceof Map<?, ?> map && map.get("height") instanceof Number h && map.get("width") instanceof Number w) {
            cropHeight = h.intValue();
            cropWidth = w.intValue();
        } else {
            throw new IllegalArgumentException("[crop_size] must be a number or {\"height\": h, \"width\": w}, got " + crop);
        }
        return new PreprocessorConfig(
            bool(json, "do_resize", true),
            shortest,
            height,
            width,
            PillowResize.Filter.ofPillowNumber(((Number) json.getOrDefault("resample", 3)).intValue()),
            bool(json, "do_center_crop", true),
            cropHeight,
            cropWidth,
            bool(json, "do_rescale", true),
            ((Number) json.getOrDefault("rescale_factor", 1.0 / 255)).doubleValue(),
            bool(json, "do_normalize", true),
            floats(json.getOrDefault("image_mean", CLIP_MEAN), "image_mean"),
            floats(json.getOrDefault("image_std", CLIP_STD), "image_std")
        );
    }

    private static boolean bool(Map<String, Object> json, String key, boolean fallback) {
        Object value = json.get(key);
        return value == null ? fallback : Boolean.parseBoolean(value.toString());
    }

    private static float[] floats(Object value, String key) {
        if (value instanceof Number n) {
            return new float[]{n.floatValue(), n.floatValue(), n.floatValue()};
        }
        if (value instanceof List<?> list && list.size() == 3) {
            float[] out = new float[3];
            for (int i = 0; i < 3; i++) {
                out[i] = ((Number) list.get(i)).floatValue();
            }
            return out;
        }
        throw new IllegalArgumentException(String.format(Locale.ROOT, "[%s] must be three numbers (R, G, B), got %s", key, value));
    }
}

package org.opensearch.multimodal.image;

import org.opensearch.common.xcontent.XContentHelper;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.test.OpenSearchTestCase;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;

/**
 * The tensor for a fixed image equals the one an independent implementation computes (make_reference.py beside the
 * fixtures: Pillow + numpy, the CLIPImageProcessor steps), for a shrinking and an enlarging resize. Tolerance: 1e-4
 * per value (float rounding only; one 8-bit step would be 0.015).
 */
public final class ImagePreprocessorTests extends OpenSearchTestCase {

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = ImagePreprocessorTests.class.getResourceAsStream("/preprocess/" + name)) {
            assertNotNull("missing fixture " + name, in);
            return in.readAllBytes();
        }
    }

    private static PreprocessorConfig config() throws IOException {
        try (InputStream in = ImagePreprocessorTests.class.getResourceAsStream("/preprocess/preprocessor_config.json")) {
            Map<String, Object> json = XContentHelper.convertToMap(JsonXContent.jsonXContent, in, false);
            return PreprocessorConfig.parse(json);
        }
    }

    private static double largestDifference(String name, PreprocessorConfig config) throws IOException {
        float[] tensor = new ImagePreprocessor(config).toTensor(ImageDecoder.decode(resource(name + ".png"), 1_000_000));
        ByteBuffer reference = ByteBuffer.wrap(resource(name + ".f32")).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(name + ": 3 x 40 x 40 values", reference.remaining() / 4, tensor.length);
        double worst = 0;
        for (int i = 0; i < tensor.length; i++) {
            worst = Math.max(worst, Math.abs(tensor[i] - reference.getFloat(i * 4)));
        }
        return worst;
    }

    private static void assertMatchesReference(String name) throws IOException {
        double worst = largestDifference(name, config());
        assertTrue(name + ": largest difference to the reference " + worst, worst < 1e-4);
        PreprocessorConfig c = config();
        PreprocessorConfig bilinear = new PreprocessorConfig(
            c.doResize(),
            c.shortestEdge(),
            c.resizeHeight(),
            c.resizeWidth(),
            PillowResize.Filter.BILINEAR,
            c.doCenterCrop(),
            c.cropHeight(),
            c.cropWidth(),
            c.doRescale(),
            c.rescaleFactor(),
            c.doNormalize(),
            c.mean(),
            c.std()
        );
        double other = largestDifference(name, bilinear);
        assertTrue(name + ": the comparison notices another resampling filter, difference " + other, other > 0.05);
    }

    public void testShrinkingMatchesTheReference() throws IOException {
        assertMatchesReference("downscale");
    }

    public void testEnlargingMatchesTheReference() throws IOException {
        assertMatchesReference("upscale");
    }

    public void testConfigDefaultsAreClipsAndBadValuesAreNamed() {
        PreprocessorConfig defaults = PreprocessorConfig.parse(Map.of());
        assertEquals(224, defaults.shortestEdge());
        assertEquals(224, defaults.cropHeight());
        assertEquals(PillowResize.Filter.BICUBIC, defaults.filter());
        assertEquals(0.48145466f, defaults.mean()[0], 0f);
        IllegalArgumentException resample = expectThrows(
            IllegalArgumentException.class,
            () -> PreprocessorConfig.parse(Map.of("resample", 0))
        );
        assertTrue(resample.getMessage(), resample.getMessage().contains("[resample]"));
        IllegalArgumentException mean = expectThrows(
            IllegalArgumentException.class,
            () -> PreprocessorConfig.parse(Map.of("image_mean", List.of(1, 2)))
        );
        assertTrue(mean.getMessage(), mean.getMessage().contains("[image_mean]"));
    }
}

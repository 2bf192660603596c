package org.opensearch.multimodal.image;

import org.opensearch.core.rest.RestStatus;
import org.opensearch.test.OpenSearchTestCase;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Locale;

/**
 * Every supported format decodes to the same upright RGB picture (fixtures drawn by make_fixtures.py beside them: a
 * 12 x 8 white image, red 4 x 4 block top-left, blue one bottom-right), and every bad input is a named problem.
 */
public final class ImageDecoderTests extends OpenSearchTestCase {

    private static final long MAX_PIXELS = 1_000_000;

    static byte[] fixture(String name) throws IOException {
        try (InputStream in = ImageDecoderTests.class.getResourceAsStream("/images/" + name)) {
            assertNotNull("missing fixture " + name, in);
            return in.readAllBytes();
        }
    }

    private static BufferedImage decode(String name) throws IOException {
        return ImageDecoder.decode(fixture(name), MAX_PIXELS);
    }

    /** Within a lossy codec's error of {@code expected}. */
    private static void assertColor(String what, BufferedImage image, int x, int y, int expected) {
        int actual = image.getRGB(x, y);
        for (int shift : new int[]{16, 8, 0}) {
            int a = (actual >> shift) & 0xff;
            int e = (expected >> shift) & 0xff;
            assertTrue(
                String.format(Locale.ROOT, "%s at (%d,%d): %06x, expected about %06x", what, x, y, actual & 0xffffff, expected),
                Math.abs(a - e) <= 40
            );
        }
    }

    private static void assertUpright(String name) throws IOException {
        BufferedImage image = decode(name);
        assertEquals(name, BufferedImage.TYPE_INT_RGB, image.getType());
        assertEquals(name + " width", 12, image.getWidth());
        assertEquals(name + " height", 8, image.getHeight());
        assertColor(name, image, 1, 1, 0xff0000);
        assertColor(name, image, 10, 6, 0x0000ff);
        assertColor(name, image, 10, 1, 0xffffff);
        assertColor(name, image, 1, 6, 0xffffff);
    }

    public void testPngBmpWebpAndProgressiveJpegDecodeToTheSamePicture() throws IOException {
        for (String name : new String[]{"upright.png", "upright.bmp", "upright.webp", "progressive.jpg"}) {
            assertUpright(name);
        }
    }

    public void testCmykJpegBecomesRgb() throws IOException {
        assertUpright("cmyk.jpg");
    }

    public void testExifOrientationIsApplied() throws IOException {
        assertEquals("stored turned on its side", 6, ExifOrientation.read(fixture("orientation6.jpg")));
        assertUpright("orientation6.jpg");
    }

    public void testAllEightOrientationsUndoTheirTransform() {
        BufferedImage image = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, 0xff0000);
        int[][] expectedCorner = {{}, {3, 2, 0, 0}, {3, 2, 2, 0}, {3, 2, 2, 1}, {3, 2, 0, 1}, {2, 3, 0, 0}, {2, 3, 1, 0}, {2, 3, 1, 2},
            {2, 3, 0, 2}};
        for (int orientation = 1; orientation <= 8; orientation++) {
            BufferedImage turned = ExifOrientation.apply(image, orientation);
            int[] e = expectedCorner[orientation];
            assertEquals("width for " + orientation, e[0], turned.getWidth());
            assertEquals("height for " + orientation, e[1], turned.getHeight());
            assertEquals("the red pixel for " + orientation, 0xff0000, turned.getRGB(e[2], e[3]) & 0xffffff);
        }
    }

    public void testTransparencyIsCompositedOnWhite() throws IOException {
        BufferedImage image = decode("alpha.png");
        assertEquals(0xffffff, image.getRGB(1, 1) & 0xffffff);
        assertEquals(0x00a000, image.getRGB(10, 1) & 0xffffff);
    }

    public void testGrayscaleBecomesRgb() throws IOException {
        BufferedImage image = decode("gray.png");
        assertEquals(BufferedImage.TYPE_INT_RGB, image.getType());
        int pixel = image.getRGB(1, 1) & 0xffffff;
        assertEquals("gray: equal channels", (pixel >> 16) & 0xff, pixel & 0xff);
        assertEquals(0xffffff, image.getRGB(10, 1) & 0xffffff);
    }

    public void testAnimatedGifGivesItsFirstFrame() throws IOException {
        BufferedImage image = decode("animated.gif");
        assertEquals(0xff0000, image.getRGB(5, 5) & 0xffffff);
    }

    private static ImageException failure(byte[] bytes, long maxPixels) {
        return expectThrows(ImageException.class, () -> ImageDecoder.decode(bytes, maxPixels));
    }

    public void testTruncatedCorruptAndUnsupportedAreNamed() throws IOException {
        ImageException truncated = failure(fixture("truncated.jpg"), MAX_PIXELS);
        assertEquals(truncated.getMessage(), ImageProblem.TRUNCATED, truncated.problem());
        ImageException corrupt = failure(fixture("corrupt.png"), MAX_PIXELS);
        assertEquals(corrupt.getMessage(), ImageProblem.CORRUPT, corrupt.problem());
        assertEquals(RestStatus.BAD_REQUEST, corrupt.status());
        ImageException tiff = failure(fixture("image.tiff"), MAX_PIXELS);
        assertEquals(ImageProblem.UNSUPPORTED_FORMAT, tiff.problem());
        assertEquals(RestStatus.UNSUPPORTED_MEDIA_TYPE, tiff.status());
        assertTrue(tiff.getMessage(), tiff.getMessage().startsWith("unsupported format image:"));
        assertEquals(ImageProblem.INVALID_VALUE, failure(new byte[0], MAX_PIXELS).problem());
    }

    public void testAWebPShorterThanItsHeaderSaysIsTruncatedNotFilledIn() throws IOException {
        byte[] webp = fixture("upright.webp");
        ImageException cut = failure(Arrays.copyOf(webp, webp.length - 13), MAX_PIXELS);
        assertEquals(cut.getMessage(), ImageProblem.TRUNCATED, cut.problem());
        assertTrue(cut.getMessage(), cut.getMessage().contains("of the " + webp.length + " bytes its header states"));
        assertEquals("the whole file decodes", 12, decode("upright.webp").getWidth());
    }

    public void testPixelLimitIsCheckedFromTheHeaderBeforeDecoding() throws IOException {
        ImageException bomb = failure(fixture("bomb.png"), 16_777_216);
        assertEquals(ImageProblem.TOO_LARGE, bomb.problem());
        assertEquals(RestStatus.REQUEST_ENTITY_TOO_LARGE, bomb.status());
        assertTrue(bomb.getMessage(), bomb.getMessage().contains("100000 x 100000"));
        assertEquals("the limit applies to small images too", ImageProblem.TOO_LARGE, failure(fixture("upright.png"), 95).problem());
    }
}

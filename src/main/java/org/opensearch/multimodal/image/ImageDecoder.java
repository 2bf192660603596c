package org.opensearch.multimodal.image;

import org.opensearch.core.common.breaker.CircuitBreakingException;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongConsumer;
import javax.imageio.IIOException;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Encoded image bytes to upright RGB pixels: the format is sniffed, the size read from the header and checked
 * against the pixel limit before any pixel is decoded, only the first frame of an animation is read, EXIF
 * orientation is applied, transparency is composited on white and grayscale becomes RGB.
 */
public final class ImageDecoder {

    private ImageDecoder() {
    }

    public static BufferedImage decode(byte[] bytes, long maxPixels) {
        return decode(bytes, maxPixels, pixels -> {
        });
    }

    /**
     * Decodes as {@link #decode(byte[], long)} does, calling {@code beforeDecoding} with the image's pixel count once
     * the header is read and within the limit, before any pixel is decoded: where the memory it is about to take can
     * be charged (or refused, by throwing).
     */
    public static BufferedImage decode(byte[] bytes, long maxPixels, LongConsumer beforeDecoding) {
        if (bytes.length == 0) {
            throw new ImageException(ImageProblem.INVALID_VALUE, "no bytes");
        }
        ImageFormat format = ImageFormat.sniff(bytes);
        checkDeclaredLength(format, bytes);
        BufferedImage decoded;
        try {
            ImageReader reader = format.newReader();
            try (ImageInputStream input = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
                reader.setInput(input, true, true);
                long width = reader.getWidth(0);
                long height = reader.getHeight(0);
                if (width * height > maxPixels) {
                    throw new ImageException(
                        ImageProblem.TOO_LARGE,
                        String.format(
                            Locale.ROOT,
                            "%d x %d pixels is more than plugins.multimodal.image.max_pixels [%d]",
                            width,
                            height,
                            maxPixels
                        )
                    );
                }
                beforeDecoding.accept(width * height);
                // decoders report a file that ends early as a warning and fill the rest with gray: not an image to embed
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                decoded = reader.read(0);
                for (String warning : warnings) {
                    if (saysTruncated(warning)) {
                        throw new ImageException(ImageProblem.TRUNCATED, format + " data ends before the image does (" + warning + ")");
                    }
                }
            } finally {
                reader.dispose();
            }
        } catch (ImageException | CircuitBreakingException e) {
            throw e; // a refused charge is the node being full, not a bad image
        } catch (EOFException | IndexOutOfBoundsException e) {
            throw new ImageException(ImageProblem.TRUNCATED, format + " data ends before the image does", e);
        } catch (IIOException e) {
            throw classify(format, e);
        } catch (IOException | RuntimeException e) {
            throw new ImageException(ImageProblem.CORRUPT, format + " data cannot be decoded: " + e.getMessage(), e);
        }
        int orientation = format == ImageFormat.JPEG ? ExifOrientation.read(bytes) : ExifOrientation.NORMAL;
        return ExifOrientation.apply(toOpaqueRgb(decoded), orientation);
    }

    /**
     * A WebP file states its length in its RIFF header; its decoder fills what is missing without a word (found by
     * {@code ImageFuzzTests}: a cut file embedded as other pixels), so a file shorter than it says is refused here.
     */
    private static void checkDeclaredLength(ImageFormat format, byte[] bytes) {
        if (format == ImageFormat.WEBP && bytes.length >= 8) {
            long declared = 8 + (Byte.toUnsignedLong(bytes[4]) | Byte.toUnsignedLong(bytes[5]) << 8 | Byte.toUnsignedLong(bytes[6]) << 16
                | Byte.toUnsignedLong(bytes[7]) << 24);
            if (bytes.length < declared) {
                throw new ImageException(
                    ImageProblem.TRUNCATED,
                    String.format(
                        Locale.ROOT,
                        "%s data ends before the image does (%d of the %d bytes its header states)",
                        format,
                        bytes.length,
                        declared
                    )
                );
            }
        }
    }

    /** Truncated files surface as IIOExceptions whose root cause is an EOF, or with words that say so. */
    private static ImageException classify(ImageFormat format, IIOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof EOFException || saysTruncated(t.getMessage())) {
                return new ImageException(ImageProblem.TRUNCATED, format + " data ends before the image does", e);
            }
        }
        return new ImageException(ImageProblem.CORRUPT, format + " data cannot be decoded: " + e.getMessage(), e);
    }

    private static boolean saysTruncated(String message) {
        String lower = String.valueOf(message).toLowerCase(Locale.ROOT);
        return lower.contains("premature") || lower.contains("end of") || lower.contains("eof") || lower.contains("truncat");
    }

    /** Draws {@code image} on a white RGB canvas: alpha is composited on white, gray and palette images become RGB. */
    static BufferedImage toOpaqueRgb(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_INT_RGB) {
            return image;
        }
        BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, rgb.getWidth(), rgb.getHeight());
            g.drawImage(image, 0, 0, null);
        } finally {
            g.dispose();
        }
        return rgb;
    }
}

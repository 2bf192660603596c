package org.opensearch.multimodal.image;

import com.twelvemonkeys.imageio.metadata.Directory;
import com.twelvemonkeys.imageio.metadata.Entry;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEG;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegment;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegmentUtil;
import com.twelvemonkeys.imageio.metadata.tiff.TIFF;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFReader;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/** The EXIF orientation tag of a JPEG (1 to 8) and the pixel transform that makes the image upright. */
final class ExifOrientation {

    static final int NORMAL = 1;

    private ExifOrientation() {
    }

    /** The orientation in the JPEG's EXIF segment, or {@link #NORMAL} when it has none or it cannot be read. */
    static int read(byte[] jpeg) {
        try (ImageInputStream input = new MemoryCacheImageInputStream(new ByteArrayInputStream(jpeg))) {
            List<JPEGSegment> segments = JPEGSegmentUtil.readSegments(input, JPEG.APP1, "Exif");
            if (segments.isEmpty()) {
                return NORMAL;
            }
            try (InputStream exif = segments.get(0).data()) {
                // the segment's data starts with the "Exif\0" identifier's padding byte, then the TIFF structure
                exif.skip(1);
                Directory directory = new TIFFReader().read(new MemoryCacheImageInputStream(exif));
                Entry entry = directory.getEntryById(TIFF.TAG_ORIENTATION);
                if (entry != null && entry.getValue() instanceof Number value && value.intValue() >= 1 && value.intValue() <= 8) {
                    return value.intValue();
                }
            }
        } catch (IOException | RuntimeException e) {
            // a broken EXIF block does not make the pixels unusable: keep them as stored
        }
        return NORMAL;
    }

    /** {@code image} turned upright for EXIF orientation {@code orientation}. */
    static BufferedImage apply(BufferedImage image, int orientation) {
        if (orientation == NORMAL) {
            return image;
        }
        int w = image.getWidth();
        int h = image.getHeight();
        boolean swaps = orientation >= 5;
        BufferedImage out = new BufferedImage(swaps ? h : w, swaps ? w : h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = image.getRGB(x, y);
                switch (orientation) {
                    case 2 -> out.setRGB(w - 1 - x, y, rgb); // mirrored
                    case 3 -> out.setRGB(w - 1 - x, h - 1 - y, rgb); // rotated 180
                    case 4 -> out.setRGB(x, h - 1 - y, rgb); // flipped vertically
                    case 5 -> out.setRGB(y, x, rgb); // transposed
                    case 6 -> out.setRGB(h - 1 - y, x, rgb); // rotated 90 clockwise to view
                    case 7 -> out.setRGB(h - 1 - y, w - 1 - x, rgb); // transversed
                    case 8 -> out.setRGB(y, w - 1 - x, rgb); // rotated 90 counter-clockwise to view
                    default -> out.setRGB(x, y, rgb);
                }
            }
        }
        return out;
    }
}

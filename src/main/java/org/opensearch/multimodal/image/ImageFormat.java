package org.opensearch.multimodal.image;

import com.twelvemonkeys.imageio.plugins.jpeg.JPEGImageReaderSpi;
import com.twelvemonkeys.imageio.plugins.webp.WebPImageReaderSpi;

import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageReader;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.spi.ServiceRegistry;

/**
 * The formats the plugin decodes, told apart by their leading bytes rather than by a name or a URL's extension. The
 * readers are created directly, so the plugin never changes the JVM-wide ImageIO registry other plugins share.
 */
enum ImageFormat {

    JPEG, PNG, GIF, BMP, WEBP;

    /** The format whose signature {@code bytes} start with. */
    static ImageFormat sniff(byte[] bytes) {
        if (startsWith(bytes, 0xFF, 0xD8, 0xFF)) {
            return JPEG;
        }
        if (startsWith(bytes, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return PNG;
        }
        if (startsWith(bytes, 'G', 'I', 'F', '8')) {
            return GIF;
        }
        if (startsWith(bytes, 'B', 'M')) {
            return BMP;
        }
        if (bytes.length >= 12 && startsWith(bytes, 'R', 'I', 'F', 'F') && bytes[8] == 'W' && bytes[9] == 'E' && bytes[10] == 'B'
            && bytes[11] == 'P') {
            return WEBP;
        }
        throw new ImageException(
            ImageProblem.UNSUPPORTED_FORMAT,
            String.format(Locale.ROOT, "the bytes start with [%s], which is none of JPEG, PNG, GIF, BMP, WebP", hexPrefix(bytes))
        );
    }

    /** A new reader for this format; the caller disposes of it. */
    ImageReader newReader() throws IOException {
        return switch (this) {
            // TwelveMonkeys' JPEG reader adds CMYK/YCCK and broken-metadata handling on top of the JDK's
            case JPEG -> Readers.JPEG.createReaderInstance();
            case WEBP -> Readers.WEBP.createReaderInstance();
            case PNG, GIF, BMP -> jdkProvider(name().toLowerCase(Locale.ROOT)).createReaderInstance();
        };
    }

    /** The reader providers, made once; TwelveMonkeys' JPEG reader finds the JDK's, which it wraps, in a private registry. */
    private static final class Readers {

        static final ImageReaderSpi JPEG = twelveMonkeysJpeg();
        static final ImageReaderSpi WEBP = new WebPImageReaderSpi();

        private static ImageReaderSpi twelveMonkeysJpeg() {
            ServiceRegistry registry = new ServiceRegistry(List.<Class<?>>of(ImageReaderSpi.class).iterator());
            registry.registerServiceProvider(jdkProvider("jpeg"), ImageReaderSpi.class);
            ImageReaderSpi jpeg = new JPEGImageReaderSpi();
            registry.registerServiceProvider(jpeg, ImageReaderSpi.class); // its onRegistration looks up the JDK reader
            return jpeg;
        }
    }

    /** The JDK's own reader provider for {@code formatName}, whatever else the JVM-wide registry holds. */
    private static ImageReaderSpi jdkProvider(String formatName) {
        Iterator<ImageReaderSpi> providers = IIORegistry.getDefaultInstance().getServiceProviders(ImageReaderSpi.class, true);
        while (providers.hasNext()) {
            ImageReaderSpi provider = providers.next();
            if (provider.getClass().getName().startsWith("com.sun.imageio.") && List.of(provider.getFormatNames()).contains(formatName)) {
                return provider;
            }
        }
        throw new IllegalStateException("this JDK has no built-in " + formatName + " reader");
    }

    private static boolean startsWith(byte[] bytes, int... signature) {
        if (bytes.length < signature.length) {
            return false;
        }
        for (int i = 0; i < signature.length; i++) {
            if ((bytes[i] & 0xff) != signature[i]) {
                return false;
            }
        }
        return true;
    }

    private static String hexPrefix(byte[] bytes) {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(8, bytes.length); i++) {
            hex.append(String.format(Locale.ROOT, "%02x", bytes[i] & 0xff));
        }
        return hex.toString();
    }
}

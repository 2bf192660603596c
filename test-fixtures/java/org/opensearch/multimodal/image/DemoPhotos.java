package org.opensearch.multimodal.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

/** The demo catalogue's product photos, base64 as a bulk carries them, for tests and benchmarks that index images. */
public final class DemoPhotos {

    public static final Path DIR = Path.of("integTest/demo/products/images");

    private DemoPhotos() {
    }

    /** The first {@code limit} JPEG files under {@code dir}, in name order, base64. */
    public static List<String> base64(Path dir, int limit) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<String> photos = new ArrayList<>();
            for (Path file : files.filter(f -> f.toString().endsWith(".jpg")).sorted().limit(limit).toList()) {
                photos.add(Base64.getEncoder().encodeToString(Files.readAllBytes(file)));
            }
            return photos;
        }
    }
}

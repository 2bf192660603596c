package org.opensearch.multimodal.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A model's identity beyond its id: the SHA-256 of its manifest and every file it is loaded from (names and bytes, in
 * name order), as 16 hex digits. Two nodes, or a field and a query, that use the same id but different files have
 * different fingerprints, so vectors from different models never meet unnoticed.
 */
public final class ModelFingerprint {

    private ModelFingerprint() {
    }

    public static String of(ModelFiles files) {
        List<Path> all = new ArrayList<>(files.all());
        all.add(files.directory().resolve(ModelManifest.FILE_NAME));
        all.sort((a, b) -> files.directory().relativize(a).toString().compareTo(files.directory().relativize(b).toString()));
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (Path file : all) {
                digest.update(files.directory().relativize(file).toString().getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
                try (InputStream in = Files.newInputStream(file)) {
                    for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                        digest.update(buffer, 0, n);
                    }
                }
            }
            return HexFormat.of().formatHex(digest.digest(), 0, 8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}

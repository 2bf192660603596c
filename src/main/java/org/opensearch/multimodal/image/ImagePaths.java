package org.opensearch.multimodal.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * File paths as image values, confined to the directories an operator configured
 * ({@code plugins.multimodal.image.file.allowed_dirs}; none by default, so paths are refused). A path must not use
 * {@code ..}, and must still be inside an allowed directory once symbolic links are resolved.
 */
public final class ImagePaths {

    private final List<Path> allowedDirs;

    public ImagePaths(List<Path> allowedDirs) {
        List<Path> real = new ArrayList<>();
        for (Path dir : allowedDirs) {
            try {
                real.add(dir.toRealPath());
            } catch (IOException e) {
                // a configured directory that does not exist allows nothing
            }
        }
        this.allowedDirs = List.copyOf(real);
    }

    /** Reads the image file at {@code value}, at most {@code maxBytes} of it. */
    public byte[] read(String value, long maxBytes) {
        Path file = resolve(value);
        try {
            long size = Files.size(file);
            if (size > maxBytes) {
                throw new ImageException(
                    ImageProblem.TOO_LARGE,
                    String.format(
                        Locale.ROOT,
                        "file [%s] has %d bytes, more than plugins.multimodal.image.max_bytes [%d]",
                        value,
                        size,
                        maxBytes
                    )
                );
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ImageException(ImageProblem.UNAVAILABLE, String.format(Locale.ROOT, "cannot read file [%s]: %s", value, e), e);
        }
    }

    /** The real path of {@code value}, or a {@link ImageProblem#BLOCKED} error when it is not inside an allowed directory. */
    Path resolve(String value) {
        if (allowedDirs.isEmpty()) {
            throw new ImageException(
                ImageProblem.BLOCKED,
                String.format(Locale.ROOT, "file path [%s]: no directory is allowed (plugins.multimodal.image.file.allowed_dirs)", value)
            );
        }
        Path path;
        try {
            path = allowedDirs.get(0).getFileSystem().getPath(value); // the file system the node's own paths live on
        } catch (InvalidPathException e) {
            throw new ImageException(ImageProblem.INVALID_VALUE, String.format(Locale.ROOT, "[%s] is not a file path", value), e);
        }
        for (Path part : path) {
            if (part.toString().equals("..")) {
                throw new ImageException(ImageProblem.BLOCKED, String.format(Locale.ROOT, "file path [%s] must not contain [..]", value));
            }
        }
        boolean inside = false;
        for (Path dir : allowedDirs) {
            Path candidate = (path.isAbsolute() ? path : dir.resolve(path)).normalize();
            if (candidate.startsWith(dir) == false) {
                continue;
            }
            inside = true;
            if (Files.exists(candidate) == false) {
                continue; // a relative path may name a file of the next allowed directory
            }
            Path real;
            try {
                real = candidate.toRealPath();
            } catch (IOException e) {
                throw new ImageException(ImageProblem.UNAVAILABLE, String.format(Locale.ROOT, "cannot read file [%s]: %s", value, e), e);
            }
            if (real.startsWith(dir) == false) {
                throw new ImageException(
                    ImageProblem.BLOCKED,
                    String.format(Locale.ROOT, "file path [%s] leads outside the allowed directories through a link", value)
                );
            }
            if (Files.isRegularFile(real) == false) {
                throw new ImageException(ImageProblem.INVALID_VALUE, String.format(Locale.ROOT, "file path [%s] is not a file", value));
            }
            return real;
        }
        if (inside) {
            throw new ImageException(ImageProblem.UNAVAILABLE, String.format(Locale.ROOT, "no such file [%s]", value));
        }
        throw new ImageException(
            ImageProblem.BLOCKED,
            String.format(Locale.ROOT, "file path [%s] is not inside the allowed directories %s", value, allowedDirs)
        );
    }
}

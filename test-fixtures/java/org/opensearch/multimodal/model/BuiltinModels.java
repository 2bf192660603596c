package org.opensearch.multimodal.model;

import org.opensearch.common.io.PathUtils;
import org.opensearch.common.xcontent.XContentFactory;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.multimodal.settings.InferenceDevice;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Where the build unpacked the built-in models (target/models), for tests that run the real bge-small. */
public final class BuiltinModels {

    public static final String BGE_SMALL = "bge-small-en-v1.5";
    /** The same model as float32, in {@link #BGE_SMALL}'s space. */
    public static final String BGE_SMALL_FP32 = "bge-small-en-v1.5-fp32";
    public static final String FASHION_IMAGE_DEMO = "fashion-image-demo";
    /** Every built-in model, in the registry's (id) order. */
    public static final List<String> ALL = List.of(BGE_SMALL, BGE_SMALL_FP32, FASHION_IMAGE_DEMO);

    private BuiltinModels() {
    }

    public static Path root() {
        String dir = System.getProperty("tests.models.dir", "target/models");
        Path root = PathUtils.get(dir).toAbsolutePath();
        if (Files.isDirectory(root.resolve(BGE_SMALL)) == false) {
            throw new IllegalStateException("built-in models not found under " + root + "; run the build's generate-resources phase");
        }
        return root;
    }

    /**
     * Puts the model directory {@code source} into {@code modelsRoot} (e.g. a node's {@code config/multimodal/models}),
     * as hard links where the file system allows and copies otherwise: a symbolic link out of the root is refused.
     */
    public static Path installInto(Path modelsRoot, Path source) throws IOException {
        Path target = modelsRoot.resolve(source.getFileName().toString());
        if (Files.isSymbolicLink(target)) {
            Files.delete(target); // left by an older build
        }
        Files.createDirectories(target);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(source, Files::isRegularFile)) {
            for (Path file : files) {
                Path copy = target.resolve(file.getFileName().toString());
                if (Files.exists(copy) == false) {
                    linkOrCopy(file, copy);
                }
            }
        }
        return target;
    }

    /**
     * A fresh node config directory with the model directories {@code models} in its {@code multimodal/models}, for
     * in-JVM cluster tests ({@code nodeConfigPath}); outside Lucene's mock file system, which cannot hold the links.
     */
    public static Path nodeConfigWith(Path... models) {
        try {
            Path config = Files.createTempDirectory(PathUtils.get(System.getProperty("java.io.tmpdir")), "node-config");
            Path modelsRoot = Files.createDirectories(config.resolve("multimodal").resolve("models"));
            for (Path model : models) {
                installInto(modelsRoot, model);
            }
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The built-in model {@code source} under another id, in a fresh directory named {@code id}: the same files, a
     * manifest with that id and {@code description} (so its fingerprint differs with the description).
     */
    public static Path renamed(String source, String id, String description) {
        try {
            Path parent = Files.createTempDirectory(PathUtils.get(System.getProperty("java.io.tmpdir")), "model-variant");
            Path target = Files.createDirectories(parent.resolve(id));
            try (DirectoryStream<Path> files = Files.newDirectoryStream(root().resolve(source), Files::isRegularFile)) {
                for (Path file : files) {
                    if (file.getFileName().toString().equals(ModelManifest.FILE_NAME) == false) {
                        linkOrCopy(file, target.resolve(file.getFileName().toString()));
                    }
                }
            }
            Map<String, Object> manifest = new LinkedHashMap<>(
                ModelManifest.readJson(root().resolve(source).resolve(ModelManifest.FILE_NAME))
            );
            manifest.put("id", id);
            manifest.put("description", description);
            try (XContentBuilder json = XContentFactory.jsonBuilder().map(manifest)) {
                Files.writeString(target.resolve(ModelManifest.FILE_NAME), json.toString());
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A hard link to {@code file} at {@code target}, or a copy where the file system has no hard links. */
    public static void linkOrCopy(Path file, Path target) throws IOException {
        try {
            Files.createLink(target, file.toRealPath());
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(file, target);
        }
    }

    public static ModelRegistry registry() {
        return new ModelRegistry(List.of(root()), new OnnxSessions(InferenceDevice.CPU));
    }
}

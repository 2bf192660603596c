package org.opensearch.multimodal.model;

import org.opensearch.common.io.PathUtils;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the build unpacked the built-in models (target/models), for tests that run the real bge-small. */
public final class BuiltinModels {

    public static final String BGE_SMALL = "bge-small-en-v1.5";

    private BuiltinModels() {}

    public static Path root() {
        String dir = System.getProperty("tests.models.dir", "target/models");
        Path root = PathUtils.get(dir).toAbsolutePath();
        if (Files.isDirectory(root.resolve(BGE_SMALL)) == false) {
            throw new IllegalStateException("built-in models not found under " + root + "; run the build's generate-resources phase");
        }
        return root;
    }

    public static ModelRegistry registry() {
        return new ModelRegistry(java.util.List.of(root()), new OnnxSessions(InferenceDevice.CPU));
    }
}

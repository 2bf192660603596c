package org.opensearch.multimodal.plugin;

import org.opensearch.ExceptionsHelper;
import org.opensearch.multimodal.FuzzScale;
import org.opensearch.multimodal.model.BuiltinModels;
import org.opensearch.multimodal.model.ModelManifest;
import org.opensearch.multimodal.model.ModelRegistry;
import org.opensearch.multimodal.model.NativeLibraries;
import org.opensearch.multimodal.model.OnnxSessions;
import org.opensearch.multimodal.settings.InferenceDevice;
import org.opensearch.test.OpenSearchTestCase;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The model load and unload paths under hostile input (issue 16, part 4): a model directory whose manifest
 * ({@code multimodal-model.json}) or {@code config.json} is a seeded mutant of bge-small's, or whose ONNX file is cut
 * short, loaded as {@code POST _plugins/_multimodal/models/{id}/_load} loads it (the directories scanned again, then
 * the encoders loaded and probed); and load and unload of ids that are no model (odd unicode, paths, huge). Each is
 * loaded or refused with a 4xx, never a 5xx, and the node's other model keeps working. Counts per class are logged.
 */
public final class ModelDirectoryFuzzTests extends OpenSearchTestCase {

    private static final String ID = BuiltinModels.BGE_SMALL;

    public void testHostileModelDirectoriesAndIdsAreLoadedOrRefusedWithA4xx() throws Exception {
        NativeLibraries.configure(createTempDir());
        Path bge = BuiltinModels.root().resolve(ID);
        Path root = createTempDir();
        Path dir = Files.createDirectories(root.resolve(ID));
        for (String file : List.of("model.onnx", "tokenizer.json", "config.json", ModelManifest.FILE_NAME)) {
            BuiltinModels.linkOrCopy(bge.resolve(file), dir.resolve(file));
        }
        Path other = createTempDir();
        BuiltinModels.installInto(other, BuiltinModels.root().resolve(BuiltinModels.FASHION_IMAGE_DEMO));
        Random random = new Random(randomLong());
        FuzzOutcomes outcomes = new FuzzOutcomes();
        try (ModelRegistry registry = new ModelRegistry(List.of(root, other), new OnnxSessions(InferenceDevice.CPU))) {
            for (String file : List.of(ModelManifest.FILE_NAME, "config.json")) {
                String seed = Files.readString(bge.resolve(file), StandardCharsets.UTF_8);
                outcomes.run(file, seed, json -> {
                    Path target = dir.resolve(file);
                    Files.deleteIfExists(target);
                    Files.writeString(target, json, StandardCharsets.UTF_8);
                    loadAndUnload(registry, ID);
                }, random, FuzzScale.times(file.equals("config.json") ? 20 : 40));
                Files.deleteIfExists(dir.resolve(file));
                BuiltinModels.linkOrCopy(bge.resolve(file), dir.resolve(file));
            }
            byte[] onnx = Files.readAllBytes(bge.resolve("model.onnx"));
            Files.delete(dir.resolve("model.onnx"));
            for (int i = 0; i < 3; i++) {
                Files.write(dir.resolve("model.onnx"), Arrays.copyOf(onnx, random.nextInt(onnx.length)));
                outcomes.record("model.onnx", "CUT_SHORT", () -> loadAndUnload(registry, ID));
            }
            for (String id : List
                .of("", " ", "../" + ID, "..", "/etc/passwd", "🙂".repeat(100), "x".repeat(100_000), "\u0000", ID + "\n")) {
                outcomes.record("id", "NOT_A_MODEL", () -> loadAndUnload(registry, id));
            }
            // the node's other model still loads and runs
            registry.load(BuiltinModels.FASHION_IMAGE_DEMO);
        }
        logger.info("model directory fuzz, by file, mutation and outcome:\n{}", outcomes.table());
        assertEquals("model loads answered with a 5xx", List.of(), outcomes.serverErrors());
        assertTrue("some mutant refused with a 400", outcomes.anyRefused());
    }

    private static void loadAndUnload(ModelRegistry registry, String id) {
        try {
            registry.load(id);
        } finally {
            try {
                registry.unload(id);
            } catch (RuntimeException e) {
                if (ExceptionsHelper.status(e).getStatus() >= 500) {
                    throw e;
                }
            }
        }
    }
}

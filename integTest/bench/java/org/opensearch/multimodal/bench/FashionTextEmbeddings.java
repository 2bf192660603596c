package org.opensearch.multimodal.bench;

import org.opensearch.multimodal.model.EncodingPurpose;
import org.opensearch.multimodal.model.ModelRegistry;
import org.opensearch.multimodal.model.NativeLibraries;
import org.opensearch.multimodal.model.OnnxSessions;
import org.opensearch.multimodal.model.TextModel;
import org.opensearch.multimodal.settings.InferenceDevice;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The locked text tower's targets for the demo image model: bge-small-en-v1.5 document vectors of every catalog
 * product's text ({@link FashionCatalog.Product#text()}), computed by the plugin's own runtime and written for the
 * trainer as {@code text_embeddings.f32} (little-endian float32, products.jsonl order, 384 per product) with
 * {@code ids.txt} beside it.
 * Arguments: {@code --data ../shared/data/fashion --models target/models --out target/demo-image-model}.
 */
public final class FashionTextEmbeddings {

    private FashionTextEmbeddings() {
    }

    public static void main(String[] args) throws IOException {
        Path data = Path.of(args[1]);
        Path models = Path.of(args[3]);
        Path out = Files.createDirectories(Path.of(args[5]));
        NativeLibraries.configure(Files.createTempDirectory("djl"));
        FashionCatalog catalog = FashionCatalog.load(data);
        try (ModelRegistry registry = new ModelRegistry(List.of(models), new OnnxSessions(InferenceDevice.CPU))) {
            TextModel bge = registry.textModel("bge-small-en-v1.5");
            List<FashionCatalog.Product> products = catalog.products();
            try (OutputStream file = Files.newOutputStream(out.resolve("text_embeddings.f32"))) {
                for (int start = 0; start < products.size(); start += 64) {
                    List<String> texts = products.subList(start, Math.min(start + 64, products.size()))
                        .stream()
                        .map(FashionCatalog.Product::text)
                        .toList();
                    for (float[] vector : bge.encode(texts, EncodingPurpose.DOCUMENT, false).vectors()) {
                        ByteBuffer bytes = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                        bytes.asFloatBuffer().put(vector);
                        file.write(bytes.array());
                    }
                }
            }
            Files.write(out.resolve("ids.txt"), products.stream().map(FashionCatalog.Product::id).toList(), StandardCharsets.UTF_8);
            System.out.printf(
                Locale.ROOT,
                "wrote %d x 384 bge-small document vectors to %s%n",
                products.size(),
                out.resolve("text_embeddings.f32")
            );
        }
    }
}

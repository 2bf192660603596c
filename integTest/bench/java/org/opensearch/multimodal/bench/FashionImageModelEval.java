package org.opensearch.multimodal.bench;

import org.apache.lucene.util.VectorUtil;
import org.opensearch.multimodal.image.ImageDecoder;
import org.opensearch.multimodal.image.ImageException;
import org.opensearch.multimodal.model.EncodingPurpose;
import org.opensearch.multimodal.model.ImageModel;
import org.opensearch.multimodal.model.ModelRegistry;
import org.opensearch.multimodal.model.NativeLibraries;
import org.opensearch.multimodal.model.OnnxSessions;
import org.opensearch.multimodal.model.TextModel;
import org.opensearch.multimodal.settings.InferenceDevice;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Held-out evaluation of the demo image model, through the plugin's own runtime (the same decoding, preprocessing and
 * ONNX path as at ingest): on the products the trainer never saw (id divisible by 5), text->image Recall@10 for
 * attribute queries "<colour> <article type> for <gender>" encoded by bge-small (query prefix), where a product is
 * relevant when all three attributes match (relevance is derived from the catalog's attributes; there are no human
 * judgments). Next to it: a random ranking, and bge's own title vectors as the retriever (text->text).
 * Arguments: {@code --data ../shared/data/fashion --models target/models --model-root DIR_HOLDING_fashion-image-demo}.
 */
public final class FashionImageModelEval {

    private FashionImageModelEval() {
    }

    public static void main(String[] args) throws IOException {
        Path data = Path.of(args[1]);
        Path models = Path.of(args[3]);
        Path modelRoot = Path.of(args[5]);
        NativeLibraries.configure(Files.createTempDirectory("djl"));
        List<FashionCatalog.Product> heldOut = FashionCatalog.load(data)
            .products()
            .stream()
            .filter(FashionCatalog.Product::heldOut)
            .toList();
        try (ModelRegistry registry = new ModelRegistry(List.of(models, modelRoot), new OnnxSessions(InferenceDevice.CPU))) {
            ImageModel imageModel = registry.imageModel("fashion-image-demo");
            TextModel bge = registry.textModel("bge-small-en-v1.5");

            List<FashionCatalog.Product> products = new ArrayList<>();
            List<BufferedImage> pictures = new ArrayList<>();
            int unreadable = 0;
            for (FashionCatalog.Product product : heldOut) {
                try {
                    pictures.add(ImageDecoder.decode(Files.readAllBytes(product.image()), 16_777_216));
                    products.add(product);
                } catch (ImageException e) {
                    unreadable++;
                }
            }
            float[][] imageVectors = new float[products.size()][];
            for (int start = 0; start < products.size(); start += 32) {
                int end = Math.min(start + 32, products.size());
                float[][] batch = imageModel.encode(pictures.subList(start, end), false).vectors();
                System.arraycopy(batch, 0, imageVectors, start, batch.length);
            }
            float[][] titleVectors = bge
                .encode(products.stream().map(FashionCatalog.Product::title).toList(), EncodingPurpose.DOCUMENT, false)
                .vectors();

            Map<String, List<Integer>> queries = new LinkedHashMap<>();
            for (int i = 0; i < products.size(); i++) {
                FashionCatalog.Product p = products.get(i);
                String query = String.format(Locale.ROOT, "%s %s for %s", p.colour(), p.articleType(), p.gender()).toLowerCase(Locale.ROOT);
                queries.computeIfAbsent(query, q -> new ArrayList<>()).add(i);
            }
            List<String> texts = List.copyOf(queries.keySet());
            float[][] queryVectors = bge.encode(texts, EncodingPurpose.QUERY, false).vectors();

            double imageRecall = 0;
            double titleRecall = 0;
            double randomRecall = 0;
            for (int q = 0; q < texts.size(); q++) {
                List<Integer> relevant = queries.get(texts.get(q));
                imageRecall += recallAt10(queryVectors[q], imageVectors, relevant);
                titleRecall += recallAt10(queryVectors[q], titleVectors, relevant);
                randomRecall += Math.min(10.0, products.size()) / products.size(); // expected recall of a random ranking
            }
            int n = texts.size();
            System.out.printf(
                Locale.ROOT,
                "held-out products: %d (%d unreadable image files skipped); attribute queries: %d%n",
                products.size(),
                unreadable,
                n
            );
            System.out.printf(Locale.ROOT, "text->image Recall@10, fashion-image-demo: %.4f%n", imageRecall / n);
            System.out.printf(Locale.ROOT, "text->text  Recall@10, bge title vectors:  %.4f%n", titleRecall / n);
            System.out.printf(Locale.ROOT, "random ranking (expected) Recall@10:      %.4f%n", randomRecall / n);
        }
    }

    private static double recallAt10(float[] query, float[][] vectors, List<Integer> relevant) {
        List<Integer> top = IntStream.range(0, vectors.length)
            .boxed()
            .sorted(Comparator.comparingDouble((Integer i) -> -VectorUtil.dotProduct(query, vectors[i])))
            .limit(10)
            .toList();
        long hits = top.stream().filter(relevant::contains).count();
        return (double) hits / relevant.size();
    }
}

package org.opensearch.multimodal.demo;

import org.opensearch.action.search.SearchResponse;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.multimodal.query.MultimodalQueryBuilder;
import org.opensearch.multimodal.query.retriever.DenseRetriever;
import org.opensearch.multimodal.query.retriever.LikeDocument;
import org.opensearch.search.SearchHit;
import org.opensearch.transport.client.Client;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The demo's product catalog: photos and attributes indexed through {@code embed_text} (titles), {@code embed_image}
 * (photos, with the built-in fashion-image-demo model) and {@code embed_product} (both), then found by describing them
 * in words (text->image: bge query vectors against photo vectors, one shared space) and by "more like this".
 */
final class DemoCatalog {

    static final String INDEX = "demo-products";
    static final String PIPELINE = "demo-products";

    private DemoCatalog() {
    }

    static void setUp(Client client) {
        if (client.admin().indices().prepareExists(INDEX).get().isExists()) {
            client.admin().indices().prepareDelete(INDEX).get();
        }
        String pipeline = """
            {"description": "titles, photos and whole products into bge-small's space",
             "processors": [
               {"embed_text": {"model": "bge-small-en-v1.5", "field_map": {"title": "title_vec"}, "token_field_map": {"title": "title_tokens"}}},
               {"embed_image": {"model": "fashion-image-demo", "field_map": {"image": "image_vec"}, "batch_size": 32}},
               {"embed_product": {"text_model": "bge-small-en-v1.5", "image_model": "fashion-image-demo",
                 "text_fields": ["title", "base_colour", "article_type", "gender"], "image_field": "image",
                 "target_field": "product_vec", "batch_size": 32}}]}""";
        client.admin().cluster().preparePutPipeline(PIPELINE, new BytesArray(pipeline), XContentType.JSON).get();
        String mapping = """
            {"properties": {
              "title": {"type": "text"}, "image": {"type": "keyword", "index": false},
              "thumbnail": {"type": "keyword", "index": false, "doc_values": false},
              "gender": {"type": "keyword"}, "article_type": {"type": "keyword"}, "base_colour": {"type": "keyword"},
              "title_vec": {"type": "dense_vector", "dims": 384, "similarity": "cosine"},
              "image_vec": {"type": "dense_vector", "dims": 384, "similarity": "cosine"},
              "product_vec": {"type": "dense_vector", "dims": 384, "similarity": "cosine"},
              "title_tokens": {"type": "multi_vector", "dims": 384, "encoding": "int8"}}}""";
        client.admin()
            .indices()
            .prepareCreate(INDEX)
            .setSettings(
                Settings.builder()
                    .put("index.number_of_shards", 1)
                    .put("index.number_of_replicas", 0)
                    .put("index.default_pipeline", PIPELINE)
            )
            .setMapping(mapping)
            .get();
    }

    /**
     * Indexes {@code products.jsonl}; each {@code image} is a path inside the directory the node allows, embedded by the
     * pipeline. The photo also travels as a data URI in {@code thumbnail}, so a browser (the search page) can show it.
     */
    static void ingest(Client client, Path catalog, PrintStream out) throws IOException {
        JsonLinesIngest
            .index(client, INDEX, catalog.resolve("products.jsonl"), 64, "Embedding and indexing the product catalog", out, product -> {
                product.put("thumbnail", jpegDataUri(catalog.resolve(String.valueOf(product.get("image")))));
                return product;
            });
    }

    private static String jpegDataUri(Path photo) {
        try {
            return "data:image/jpeg;base64," + Base64.getEncoder().encodeToString(Files.readAllBytes(photo));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the catalog photo " + photo, e);
        }
    }

    static void runExamples(Client client, PrintStream out) {
        out.printf(Locale.ROOT, "%nText -> image (words against photo vectors; the demo catalog is products the image model never saw):%n");
        for (String text : List
            .of("black watch for men", "red dress", "blue jeans for women", "white sports shoes", "brown leather handbag")) {
            MultimodalQueryBuilder query = new MultimodalQueryBuilder(
                text,
                null,
                Map.of("photo", new DenseRetriever("image_vec", "bge-small-en-v1.5", 3)),
                null
            );
            print(out, "\"" + text + "\"", client.prepareSearch(INDEX).setQuery(query).setSize(3).get());
        }
        out.printf(Locale.ROOT, "%nMore like this product (its product vector: title, attributes and photo):%n");
        MultimodalQueryBuilder like = new MultimodalQueryBuilder(
            null,
            null,
            new LikeDocument(INDEX, "10235"),
            Map.of("product", new DenseRetriever("product_vec", null, 3)),
            null
        );
        SearchResponse seed = client.prepareSearch(INDEX)
            .setQuery(QueryBuilders.idsQuery().addIds("10235"))
            .get();
        print(out, "like " + describe(seed.getHits().getAt(0)), client.prepareSearch(INDEX).setQuery(like).setSize(3).get());
    }

    private static void print(PrintStream out, String label, SearchResponse response) {
        out.printf(Locale.ROOT, "%n  %s%n", label);
        for (SearchHit hit : response.getHits().getHits()) {
            out.printf(Locale.ROOT, "    %.3f  %s%n", hit.getScore(), describe(hit));
        }
    }

    private static String describe(SearchHit hit) {
        Map<String, Object> p = hit.getSourceAsMap();
        return String.format(
            Locale.ROOT,
            "%-48s [%s %s, %s] %s",
            p.get("title"),
            p.get("base_colour"),
            p.get("article_type"),
            p.get("gender"),
            p.get("image")
        );
    }
}

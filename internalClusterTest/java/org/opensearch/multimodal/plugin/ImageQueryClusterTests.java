package org.opensearch.multimodal.plugin;

import org.opensearch.ExceptionsHelper;
import org.opensearch.action.bulk.BulkRequestBuilder;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.common.io.PathUtils;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.multimodal.model.BuiltinModels;
import org.opensearch.multimodal.query.MultimodalQueryBuilder;
import org.opensearch.multimodal.query.fusion.FusionSpec;
import org.opensearch.multimodal.query.retriever.DenseRetriever;
import org.opensearch.multimodal.query.retriever.RetrieverSpec;
import org.opensearch.plugins.Plugin;
import org.opensearch.search.SearchHit;
import org.opensearch.test.OpenSearchIntegTestCase;

import static org.opensearch.test.hamcrest.OpenSearchAssertions.assertAcked;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code query_image}: a photo as the query, encoded once on the coordinating node, alone or fused with text. */
@OpenSearchIntegTestCase.ClusterScope(scope = OpenSearchIntegTestCase.Scope.SUITE, numDataNodes = 2, numClientNodes = 0)
public class ImageQueryClusterTests extends OpenSearchIntegTestCase {

    /** Catalog products (held out from the demo model's training) with their photos. */
    private static final String[][] PRODUCTS = {
        {"1800", "Quechua Unisex Black Solid Backpack"},
        {"10065", "catalog product 10065"},
        {"10205", "catalog product 10205"},
        {"10235", "catalog product 10235"}};

    @Override
    protected Collection<Class<? extends Plugin>> nodePlugins() {
        return List.of(MultimodalPlugin.class);
    }

    @Override
    protected Path nodeConfigPath(int nodeOrdinal) {
        return BuiltinModels.nodeConfigWith(BuiltinModels.ALL.stream().map(BuiltinModels.root()::resolve).toArray(Path[]::new));
    }

    private static String photo(String id) throws IOException {
        return Base64.getEncoder()
            .encodeToString(Files.readAllBytes(PathUtils.get("integTest/demo/products/images/" + id + ".jpg").toAbsolutePath()));
    }

    private void indexProducts() throws IOException {
        String pipeline = """
            {"processors": [{"embed_image": {"model": "fashion-image-demo", "field_map": {"photo": "photo_vec"}}}]}""";
        assertAcked(client().admin().cluster().preparePutPipeline("photos", new BytesArray(pipeline), XContentType.JSON).get());
        assertAcked(
            prepareCreate("products")
                .setSettings(Map.of("index.number_of_shards", 1, "index.number_of_replicas", 0, "index.default_pipeline", "photos"))
                .setMapping(
                    "{\"properties\": {\"title\": {\"type\": \"text\"}, \"photo\": {\"type\": \"binary\"}, \"photo_vec\": {\"type\": \"dense_vector\", \"dims\": 384, \"similarity\": \"cosine\"}}}"
                )
        );
        BulkRequestBuilder bulk = client().prepareBulk();
        for (String[] product : PRODUCTS) {
            bulk.add(
                client().prepareIndex("products").setId(product[0]).setSource(Map.of("title", product[1], "photo", photo(product[0])))
            );
        }
        assertFalse(bulk.get().buildFailureMessage(), bulk.get().hasFailures());
        refresh("products");
    }

    private static List<String> ids(SearchResponse response) {
        return Arrays.stream(response.getHits().getHits()).map(SearchHit::getId).toList();
    }

    public void testAPhotoFindsItsOwnProductAndFusesWithText() throws IOException {
        indexProducts();
        for (String[] product : PRODUCTS) {
            MultimodalQueryBuilder byPhoto = new MultimodalQueryBuilder(
                null,
                photo(product[0]),
                null,
                null,
                Map.of("image", new DenseRetriever("photo_vec", BuiltinModels.FASHION_IMAGE_DEMO, 4)),
                null,
                null
            );
            SearchResponse response = client().prepareSearch("products").setQuery(byPhoto).setSize(4).get();
            assertEquals("its own photo is the nearest: " + ids(response), product[0], response.getHits().getAt(0).getId());
            assertEquals("cosine of a photo with itself", 1f, response.getHits().getAt(0).getScore(), 1e-3f);
        }
        // text and photo in one query: the text through bge against the same photo vectors (one space), fused by RRF
        Map<String, RetrieverSpec> both = new LinkedHashMap<>();
        both.put("words", new DenseRetriever("photo_vec", BuiltinModels.BGE_SMALL, 4, DenseRetriever.TEXT_INPUT));
        both.put("picture", new DenseRetriever("photo_vec", BuiltinModels.FASHION_IMAGE_DEMO, 4, DenseRetriever.IMAGE_INPUT));
        MultimodalQueryBuilder fused = new MultimodalQueryBuilder(
            "black backpack",
            photo("1800"),
            null,
            null,
            both,
            FusionSpec.defaultRrf(),
            null
        );
        SearchResponse fusedHits = client().prepareSearch("products").setQuery(fused).setSize(4).get();
        // each retriever alone, then RRF by hand: the fused query encoded the text and the photo each with its model
        List<String> byWords = ids(
            client().prepareSearch("products")
                .setQuery(
                    new MultimodalQueryBuilder(
                        "black backpack",
                        null,
                        null,
                        null,
                        Map.of("words", both.get("words")),
                        null,
                        null
                    )
                )
                .setSize(4)
                .get()
        );
        List<String> byPicture = ids(
            client().prepareSearch("products")
                .setQuery(
                    new MultimodalQueryBuilder(
                        null,
                        photo("1800"),
                        null,
                        null,
                        Map.of("picture", both.get("picture")),
                        null,
                        null
                    )
                )
                .setSize(4)
                .get()
        );
        assertEquals(4, fusedHits.getHits().getHits().length);
        for (SearchHit hit : fusedHits.getHits().getHits()) {
            float expected = 1f / (61 + byWords.indexOf(hit.getId())) + 1f / (61 + byPicture.indexOf(hit.getId()));
            assertEquals(hit.getId(), expected, hit.getScore(), 1e-6f);
        }
    }

    public void testBadQueryImagesAndTextOnlyModelsAreClearErrors() throws IOException {
        indexProducts();
        MultimodalQueryBuilder corrupt = new MultimodalQueryBuilder(
            null,
            Base64.getEncoder().encodeToString("not an image at all".getBytes(StandardCharsets.UTF_8)),
            null,
            null,
            Map.of("image", new DenseRetriever("photo_vec", BuiltinModels.FASHION_IMAGE_DEMO, 4)),
            null,
            null
        );
        Exception e = expectThrows(Exception.class, () -> client().prepareSearch("products").setQuery(corrupt).get());
        assertTrue(e.toString(), ExceptionsHelper.status(e).getStatus() >= 400 && ExceptionsHelper.status(e).getStatus() < 500);
        assertTrue(ExceptionsHelper.stackTrace(e), ExceptionsHelper.stackTrace(e).contains("image"));

        MultimodalQueryBuilder textModel = new MultimodalQueryBuilder(
            null,
            photo("1800"),
            null,
            null,
            Map.of("image", new DenseRetriever("photo_vec", BuiltinModels.BGE_SMALL, 4)),
            null,
            null
        );
        Exception wrongKind = expectThrows(Exception.class, () -> client().prepareSearch("products").setQuery(textModel).get());
        assertEquals(400, ExceptionsHelper.status(wrongKind).getStatus());
        assertTrue(ExceptionsHelper.stackTrace(wrongKind), ExceptionsHelper.stackTrace(wrongKind).contains("does not encode images"));

        MultimodalQueryBuilder loopback = new MultimodalQueryBuilder(
            null,
            "http://127.0.0.1:9/x.jpg",
            null,
            null,
            Map.of("image", new DenseRetriever("photo_vec", BuiltinModels.FASHION_IMAGE_DEMO, 4)),
            null,
            null
        );
        Exception blocked = expectThrows(Exception.class, () -> client().prepareSearch("products").setQuery(loopback).get());
        assertEquals("the address guard applies to query images too", 403, ExceptionsHelper.status(blocked).getStatus());
    }
}

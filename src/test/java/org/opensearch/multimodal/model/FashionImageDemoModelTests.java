package org.opensearch.multimodal.model;

import org.apache.lucene.util.VectorUtil;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.opensearch.common.io.PathUtils;
import org.opensearch.multimodal.image.ImageDecoder;
import org.opensearch.test.OpenSearchTestCase;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * The built-in demo image model maps photos into bge-small's text space: on four catalog photos it never saw in
 * training (the demo catalog is the held-out split), each product type's query finds its own photo first.
 */
public final class FashionImageDemoModelTests extends OpenSearchTestCase {

    private static ModelRegistry registry;

    @BeforeClass
    public static void loadModels() {
        NativeLibraries.configure(createTempDir());
        registry = BuiltinModels.registry();
    }

    @AfterClass
    public static void closeModels() {
        registry.close();
        registry = null;
    }

    public void testEachQueryFindsItsOwnUnseenProductPhotoFirst() throws IOException {
        String[] ids = {"10235", "10430", "2645", "11340"};
        String[] queries = {"a black wrist watch", "a blue shirt for men", "a handbag", "blue jeans"};
        List<BufferedImage> photos = new ArrayList<>();
        for (String id : ids) {
            byte[] bytes = Files.readAllBytes(PathUtils.get("integTest/demo/products/images/" + id + ".jpg").toAbsolutePath());
            photos.add(ImageDecoder.decode(bytes, 1_000_000));
        }
        ImageModel model = registry.imageModel("fashion-image-demo");
        assertEquals(ModelKind.IMAGE, model.manifest().kind());
        float[][] images = model.encode(photos, false).vectors();
        float[][] texts = registry.textModel(BuiltinModels.BGE_SMALL).encode(List.of(queries), EncodingPurpose.QUERY, false).vectors();
        for (int q = 0; q < queries.length; q++) {
            int best = 0;
            for (int i = 1; i < images.length; i++) {
                if (VectorUtil.dotProduct(texts[q], images[i]) > VectorUtil.dotProduct(texts[q], images[best])) {
                    best = i;
                }
            }
            assertEquals("[" + queries[q] + "] should find product " + ids[q], ids[q], ids[best]);
        }
    }
}

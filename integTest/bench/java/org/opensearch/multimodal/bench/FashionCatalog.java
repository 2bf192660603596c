package org.opensearch.multimodal.bench;

import org.opensearch.common.xcontent.XContentHelper;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.common.bytes.BytesArray;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The fashion catalog of {@code ../shared/data/fashion} and the fixed product split every tool uses: a product whose
 * numeric id is divisible by 5 is held out (never trained on), the others are the training split.
 */
public record FashionCatalog(Path root, List<Product> products) {

    /** One product and the attributes the evaluation queries are built from. */
    public record Product(String id, String title, String gender, String articleType, String colour, String usage, Path image) {

        /** What the image encoder is trained to match: the title and the attributes, as one sentence. */
        public String text() {
            return String.format(Locale.ROOT, "%s. %s %s for %s", title, colour, articleType, gender);
        }

        public boolean heldOut() {
            return Long.parseLong(id) % 5 == 0;
        }
    }

    public static FashionCatalog load(Path root) throws IOException {
        List<Product> products = new ArrayList<>();
        for (String line : Files.readAllLines(root.resolve("products.jsonl"), StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            Map<String, Object> p = XContentHelper.convertToMap(new BytesArray(line), false, XContentType.JSON).v2();
            products.add(
                new Product(
                    (String) p.get("id"),
                    (String) p.get("title"),
                    (String) p.get("gender"),
                    (String) p.get("article_type"),
                    (String) p.get("base_colour"),
                    (String) p.get("usage"),
                    root.resolve((String) p.get("image"))
                )
            );
        }
        return new FashionCatalog(root, products);
    }
}

package org.opensearch.multimodal.demo;

import org.opensearch.common.xcontent.XContentHelper;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.multimodal.demo.JudgmentsIndex.JudgedQuery;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Judgments derived from the demo catalog's own attributes, not from people: for every colour and article type that
 * at least {@value #MIN_PRODUCTS} products share, the query "colour type" (e.g. "black watches"); a product of that
 * type and colour is rated 2, one of that type in another colour 1. They test whether a setting finds the products
 * the words describe; they say nothing about taste.
 */
final class CatalogJudgments {

    static final String INDEX = "demo-judgments-products";
    static final String DESCRIPTION = "Demo catalog, attribute-derived judgments (not human): for each colour and article type that "
        + "3 or more products share, the query \"<colour> <type>\"; rating 2: that type in that colour, 1: that type in another colour";

    private static final int MIN_PRODUCTS = 3;

    private CatalogJudgments() {
    }

    static List<JudgedQuery> derive(Path productsJsonl) throws IOException {
        List<Map<String, Object>> products = new ArrayList<>();
        for (String line : Files.readAllLines(productsJsonl)) {
            if (line.isBlank() == false) {
                products.add(XContentHelper.convertToMap(new BytesArray(line), false, XContentType.JSON).v2());
            }
        }
        Map<String, Long> groups = products.stream()
            .collect(Collectors.groupingBy(p -> p.get("base_colour") + "|" + p.get("article_type"), TreeMap::new, Collectors.counting()));
        List<JudgedQuery> queries = new ArrayList<>();
        groups.entrySet()
            .stream()
            .filter(group -> group.getValue() >= MIN_PRODUCTS)
            .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
            .forEach(group -> {
                String[] key = group.getKey().split("\\|");
                Map<String, Integer> ratings = new LinkedHashMap<>();
                for (Map<String, Object> product : products) {
                    if (key[1].equals(product.get("article_type"))) {
                        ratings.put(String.valueOf(product.get("id")), key[0].equals(product.get("base_colour")) ? 2 : 1);
                    }
                }
                String text = (key[0] + " " + key[1]).toLowerCase(Locale.ROOT);
                queries.add(new JudgedQuery("catalog-" + (queries.size() + 1), text, ratings));
            });
        return queries;
    }
}

package org.opensearch.multimodal.bench;

import org.opensearch.common.xcontent.XContentHelper;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.common.bytes.BytesArray;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/** BEIR SciFact as shipped in ../shared/data/scifact: corpus, test queries and their relevance judgments. */
record SciFact(List<Doc> corpus, Map<String, String> queries, Map<String, Map<String, Integer>> qrels) {

    record Doc(String id, String title, String text) {

        /** The text dense models embed, as MTEB/BEIR do: title, a space, then the abstract. */
        String titleAndText() {
            return title.isEmpty() ? text : title + " " + text;
        }

        /** The benchmarks' document: title and abstract for BM25, both together for the embedding processor. */
        Map<String, Object> source() {
            return Map.of("title", title, "text", text, "title_text", titleAndText());
        }
    }

    /** The judged test queries by id: all of them, the dev split (every 10th, for tuning) and the held-out rest. */
    record Split(List<String> all, List<String> dev, List<String> test) {
    }

    /** The benchmarks' one split of the judged test queries, by numeric id: every 10th is dev, the rest held out. */
    Split split() {
        List<String> all = queries.keySet().stream().filter(qrels::containsKey).sorted(Comparator.comparingInt(Integer::parseInt)).toList();
        List<String> dev = new ArrayList<>();
        List<String> test = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            (i % 10 == 0 ? dev : test).add(all.get(i));
        }
        return new Split(all, List.copyOf(dev), List.copyOf(test));
    }

    static SciFact load(Path dir) throws IOException {
        List<Doc> corpus = new ArrayList<>();
        try (
            BufferedReader reader = new BufferedReader(
                new InputStreamReader(new GZIPInputStream(Files.newInputStream(dir.resolve("corpus.jsonl.gz"))), StandardCharsets.UTF_8)
            )
        ) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                Map<String, Object> doc = json(line);
                corpus.add(
                    new Doc(String.valueOf(doc.get("_id")), String.valueOf(doc.getOrDefault("title", "")), String.valueOf(doc.get("text")))
                );
            }
        }
        Map<String, String> queries = new LinkedHashMap<>();
        for (String line : Files.readAllLines(dir.resolve("queries.test.jsonl"))) {
            if (line.isBlank() == false) {
                Map<String, Object> query = json(line);
                queries.put(String.valueOf(query.get("_id")), String.valueOf(query.get("text")));
            }
        }
        Map<String, Map<String, Integer>> qrels = new HashMap<>();
        List<String> lines = Files.readAllLines(dir.resolve("qrels.test.tsv"));
        for (String line : lines.subList(1, lines.size())) {
            String[] parts = line.split("\t");
            qrels.computeIfAbsent(parts[0], k -> new HashMap<>()).put(parts[1], Integer.parseInt(parts[2].trim()));
        }
        return new SciFact(corpus, queries, qrels);
    }

    private static Map<String, Object> json(String line) {
        return XContentHelper.convertToMap(new BytesArray(line), false, XContentType.JSON).v2();
    }
}

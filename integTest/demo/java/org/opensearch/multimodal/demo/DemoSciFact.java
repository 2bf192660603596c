package org.opensearch.multimodal.demo;

import org.opensearch.action.bulk.BulkRequestBuilder;
import org.opensearch.action.bulk.BulkResponse;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.xcontent.XContentHelper;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.index.query.MultiMatchQueryBuilder;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.multimodal.demo.JudgmentsIndex.JudgedQuery;
import org.opensearch.search.SearchHit;
import org.opensearch.transport.client.Client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * A judged query set from SciFact (BEIR; CC BY-NC 2.0) for the relevance page, when {@code ../shared/data/scifact} is
 * there: the first {@value #QUERIES} test queries with their human judgments, over a subset of the corpus small enough
 * to embed in the demo's time (their judged abstracts, plus each query's top {@value #DISTRACTORS} BM25 abstracts of
 * the whole corpus as hard distractors), embedded with bge-small: a dense vector of title + abstract, and token vectors
 * of the title only (token vectors of whole abstracts would triple the demo's indexing time).
 */
final class DemoSciFact {

    static final String INDEX = "demo-scifact";
    static final String JUDGMENTS = "demo-judgments-scifact";
    static final int QUERIES = 50;
    private static final int DISTRACTORS = 5;
    private static final int BULK = 32;
    private static final String PIPELINE = "demo-scifact";
    private static final String BM25_SCRATCH = "demo-scifact-bm25-scratch";

    private record Doc(String id, String title, String text) {
    }

    private DemoSciFact() {
    }

    /** Whether {@code dir} holds SciFact as BEIR ships it. */
    static boolean available(Path dir) {
        return dir != null
            && Files.isRegularFile(dir.resolve("corpus.jsonl.gz"))
            && Files.isRegularFile(dir.resolve("queries.test.jsonl"))
            && Files.isRegularFile(dir.resolve("qrels.test.tsv"));
    }

    /** Removes what an earlier run with SciFact left in the demo's data directory, so the page shows this run's sets only. */
    static void removeEarlierRun(Client client) {
        for (String index : new String[]{INDEX, JUDGMENTS}) {
            if (client.admin().indices().prepareExists(index).get().isExists()) {
                client.admin().indices().prepareDelete(index).get();
            }
        }
    }

    static void setUp(Client client, Path dir, PrintStream out) throws IOException {
        long start = System.nanoTime();
        Map<String, Map<String, Integer>> qrels = qrels(dir.resolve("qrels.test.tsv"));
        List<JudgedQuery> queries = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("queries.test.jsonl"))) {
            if (line.isBlank() == false && queries.size() < QUERIES) {
                Map<String, Object> query = json(line);
                String id = String.valueOf(query.get("_id"));
                if (qrels.containsKey(id)) {
                    queries.add(new JudgedQuery(id, String.valueOf(query.get("text")), qrels.get(id)));
                }
            }
        }
        Map<String, Doc> corpus = corpus(dir.resolve("corpus.jsonl.gz"));
        Set<String> chosen = new LinkedHashSet<>();
        queries.forEach(query -> chosen.addAll(query.ratings().keySet()));
        int judged = chosen.size();
        chosen.addAll(bm25Distractors(client, corpus, queries));
        createIndex(client);
        List<String> lines = new ArrayList<>();
        for (String id : chosen) {
            Doc doc = corpus.get(id);
            if (doc != null) {
                lines.add(id);
            }
        }
        ProgressBar progress = new ProgressBar(out, "Embedding a SciFact subset for the relevance page", lines.size());
        for (int from = 0; from < lines.size(); from += BULK) {
            BulkRequestBuilder bulk = client.prepareBulk();
            for (String id : lines.subList(from, Math.min(from + BULK, lines.size()))) {
                Doc doc = corpus.get(id);
                Map<String, Object> source = new LinkedHashMap<>();
                source.put("title", doc.title());
                source.put("text", doc.text());
                source.put("title_text", doc.title().isEmpty() ? doc.text() : doc.title() + " " + doc.text());
                bulk.add(client.prepareIndex(INDEX).setId(id).setSource(source));
            }
            BulkResponse response = bulk.get();
            if (response.hasFailures()) {
                throw new IllegalStateException("demo ingest into [" + INDEX + "] failed: " + response.buildFailureMessage());
            }
            progress.advance(Math.min(BULK, lines.size() - from));
        }
        progress.done();
        client.admin().indices().prepareRefresh(INDEX).get();
        String description = String.format(
            Locale.ROOT,
            "SciFact (BEIR) test queries with their human judgments: the first %d queries, over %d abstracts (the %d judged "
                + "ones and each query's top %d BM25 abstracts of the whole corpus as distractors)",
            queries.size(),
            lines.size(),
            judged,
            DISTRACTORS
        );
        JudgmentsIndex.write(client, JUDGMENTS, INDEX, description, queries);
        out.printf(
            Locale.ROOT,
            "SciFact for the relevance page: %d judged test queries over %d abstracts in [%s], judgments in [%s] (%.1f s)%n",
            queries.size(),
            lines.size(),
            INDEX,
            JUDGMENTS,
            (System.nanoTime() - start) / 1e9
        );
    }

    /** Each query's top BM25 abstracts of the whole corpus, from a plain index that is deleted afterwards. */
    private static Set<String> bm25Distractors(Client client, Map<String, Doc> corpus, List<JudgedQuery> queries) {
        if (client.admin().indices().prepareExists(BM25_SCRATCH).get().isExists()) {
            client.admin().indices().prepareDelete(BM25_SCRATCH).get();
        }
        client.admin()
            .indices()
            .prepareCreate(BM25_SCRATCH)
            .setSettings(Settings.builder().put("index.number_of_shards", 1).put("index.number_of_replicas", 0))
            .setMapping(textMapping(""))
            .get();
        List<Doc> docs = new ArrayList<>(corpus.values());
        for (int from = 0; from < docs.size(); from += 1000) {
            BulkRequestBuilder bulk = client.prepareBulk();
            for (Doc doc : docs.subList(from, Math.min(from + 1000, docs.size()))) {
                bulk.add(client.prepareIndex(BM25_SCRATCH).setId(doc.id()).setSource(Map.of("title", doc.title(), "text", doc.text())));
            }
            BulkResponse response = bulk.get();
            if (response.hasFailures()) {
                throw new IllegalStateException("SciFact's BM25 scratch index failed: " + response.buildFailureMessage());
            }
        }
        client.admin().indices().prepareRefresh(BM25_SCRATCH).get();
        Set<String> distractors = new LinkedHashSet<>();
        for (JudgedQuery query : queries) {
            MultiMatchQueryBuilder match = QueryBuilders.multiMatchQuery(query.text(), "title", "text")
                .type(MultiMatchQueryBuilder.Type.MOST_FIELDS);
            for (SearchHit hit : client.prepareSearch(BM25_SCRATCH)
                .setQuery(match)
                .setSize(DISTRACTORS)
                .setFetchSource(false)
                .get()
                .getHits()) {
                distractors.add(hit.getId());
            }
        }
        client.admin().indices().prepareDelete(BM25_SCRATCH).get();
        return distractors;
    }

    private static void createIndex(Client client) {
        if (client.admin().indices().prepareExists(INDEX).get().isExists()) {
            client.admin().indices().prepareDelete(INDEX).get();
        }
        String pipeline = """
            {"description": "SciFact abstracts: title + abstract into a bge-small vector, the title into token vectors",
             "processors": [{"embed_text": {"model": "bge-small-en-v1.5", "field_map": {"title_text": "text_vec"},
               "token_field_map": {"title": "title_tokens"}, "batch_size": 16}}]}""";
        client.admin().cluster().preparePutPipeline(PIPELINE, new BytesArray(pipeline), XContentType.JSON).get();
        client.admin()
            .indices()
            .prepareCreate(INDEX)
            .setSettings(
                Settings.builder()
                    .put("index.number_of_shards", 1)
                    .put("index.number_of_replicas", 0)
                    .put("index.default_pipeline", PIPELINE)
            )
            .setMapping(textMapping("""
                ,
                  "title_text": {"type": "keyword", "index": false, "doc_values": false},
                  "text_vec": {"type": "dense_vector", "dims": 384, "similarity": "cosine"},
                  "title_tokens": {"type": "multi_vector", "dims": 384, "encoding": "int8"}"""))
            .get();
    }

    /** Title and abstract, English-analyzed for BM25; the embedded text and token vectors stay out of {@code _source}. */
    private static String textMapping(String moreFields) {
        return """
            {"_source": {"excludes": ["title_text", "title_tokens"]},
             "properties": {
              "title": {"type": "text", "analyzer": "english"},
              "text": {"type": "text", "analyzer": "english"}""" + moreFields + "}}";
    }

    private static Map<String, Map<String, Integer>> qrels(Path file) throws IOException {
        Map<String, Map<String, Integer>> qrels = new HashMap<>();
        List<String> lines = Files.readAllLines(file);
        for (String line : lines.subList(1, lines.size())) {
            String[] parts = line.split("\t");
            if (parts.length == 3) {
                qrels.computeIfAbsent(parts[0], k -> new LinkedHashMap<>()).put(parts[1], Integer.parseInt(parts[2].trim()));
            }
        }
        return qrels;
    }

    private static Map<String, Doc> corpus(Path gz) throws IOException {
        Map<String, Doc> corpus = new LinkedHashMap<>();
        try (
            BufferedReader reader = new BufferedReader(
                new InputStreamReader(new GZIPInputStream(Files.newInputStream(gz)), StandardCharsets.UTF_8)
            )
        ) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.isBlank() == false) {
                    Map<String, Object> doc = json(line);
                    String id = String.valueOf(doc.get("_id"));
                    corpus.put(id, new Doc(id, String.valueOf(doc.getOrDefault("title", "")), String.valueOf(doc.get("text"))));
                }
            }
        }
        return corpus;
    }

    private static Map<String, Object> json(String line) {
        return XContentHelper.convertToMap(new BytesArray(line), false, XContentType.JSON).v2();
    }
}

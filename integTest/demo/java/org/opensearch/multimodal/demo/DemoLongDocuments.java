package org.opensearch.multimodal.demo;

import org.opensearch.action.bulk.BulkRequestBuilder;
import org.opensearch.action.bulk.BulkResponse;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.multimodal.model.EncodingPurpose;
import org.opensearch.multimodal.query.MultimodalQueryBuilder;
import org.opensearch.multimodal.query.highlight.BestPassageHighlighter;
import org.opensearch.multimodal.query.rescore.LateInteractionRescorerBuilder;
import org.opensearch.multimodal.query.rescore.LateInteractionScoreMode;
import org.opensearch.multimodal.query.retriever.DenseRetriever;
import org.opensearch.multimodal.rest.EmbedAction;
import org.opensearch.multimodal.rest.EmbedRequest;
import org.opensearch.search.SearchHit;
import org.opensearch.search.fetch.subphase.highlight.HighlightBuilder;
import org.opensearch.search.fetch.subphase.highlight.HighlightField;
import org.opensearch.transport.client.Client;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Long documents: the demo corpus as two handbooks of four topics each (about 1,300 tokens apiece), cut into passages at
 * ingest ({@code chunking}) and searched by their best passage; the {@code passage} highlighter shows which one, and
 * {@code _embed} shows it lies past the first 512 tokens, which a text cut at the model's window never sees. The token
 * vectors hold every passage's rows: the {@code late_interaction} rerank scores the whole handbook, and the highlighter
 * on the token field shows the passage whose rows MaxSim favours.
 */
final class DemoLongDocuments {

    static final String INDEX = "demo-handbooks";
    private static final String PIPELINE = "demo-handbooks-embed";
    private static final String MODEL = "bge-small-en-v1.5";
    private static final String QUERY = "a symphony performed by an orchestra";

    private DemoLongDocuments() {
    }

    static void run(Client client, Path corpus, PrintStream out) throws IOException {
        if (client.admin().indices().prepareExists(INDEX).get().isExists()) {
            client.admin().indices().prepareDelete(INDEX).get();
        }
        String pipeline = "{\"processors\": [{\"embed_text\": {\"model\": \"" + MODEL + "\", \"field_map\": {\"body\": \"body_vec\"}, "
            + "\"token_field_map\": {\"body\": \"body_tokens\"}, \"chunking\": {\"max_tokens\": 128, \"overlap_tokens\": 16, \"boundary\": \"sentence\"}}}]}";
        client.admin().cluster().preparePutPipeline(PIPELINE, new BytesArray(pipeline), XContentType.JSON).get();
        client.admin()
            .indices()
            .prepareCreate(INDEX)
            .setSettings(Map.of("index.number_of_shards", 1, "index.number_of_replicas", 0, "index.default_pipeline", PIPELINE))
            .setMapping(
                "{\"properties\": {\"title\": {\"type\": \"text\"}, \"body\": {\"type\": \"text\"}, "
                    + "\"body_vec\": {\"type\": \"dense_vector\", \"dims\": 384, \"similarity\": \"cosine\", \"chunked\": true}, "
                    + "\"body_tokens\": {\"type\": \"multi_vector\", \"dims\": 384, \"encoding\": \"int8\", \"pool_factor\": 4}}}"
            )
            .get();
        Map<String, String> handbooks = handbooks(corpus);
        BulkRequestBuilder bulk = client.prepareBulk().setRefreshPolicy("true");
        handbooks
            .forEach((title, body) -> bulk.add(client.prepareIndex(INDEX).setId(title).setSource(Map.of("title", title, "body", body))));
        BulkResponse response = bulk.get();
        if (response.hasFailures()) {
            throw new IllegalStateException(response.buildFailureMessage());
        }
        out.printf(
            Locale.ROOT,
            "%nLong documents: %d handbooks of four topics, cut into passages of 128 tokens at ingest%n",
            handbooks.size()
        );
        SearchResponse search = client.prepareSearch(INDEX)
            .setQuery(new MultimodalQueryBuilder(QUERY, null, Map.of("dense", new DenseRetriever("body_vec", MODEL, 2)), null))
            .highlighter(
                new HighlightBuilder()
                    .field(new HighlightBuilder.Field("body_vec").highlighterType(BestPassageHighlighter.NAME).numOfFragments(1))
            )
            .setFetchSource(new String[]{"title"}, null)
            .get();
        out.printf(Locale.ROOT, "query: \"%s\"%n", QUERY);
        SearchHit top = search.getHits().getHits()[0];
        HighlightField passage = top.getHighlightFields().get("body_vec");
        String body = handbooks.get(top.getId());
        String best = passage.fragments()[0].string();
        int start = body.indexOf(best);
        out.printf(Locale.ROOT, "  %.3f  %s, best passage at character %d of %d:%n", top.getScore(), top.getId(), start, body.length());
        String shown = best.replaceAll("\\s+", " ");
        out.printf(Locale.ROOT, "    \"%s\"%n", shown.length() > 160 ? shown.substring(0, 160) + " ..." : shown);
        printTokenPassage(client, body, top.getId(), out);
        EmbedAction.Response before = client.execute(
            EmbedAction.INSTANCE,
            new EmbedAction.Request(new EmbedRequest(MODEL, List.of(body.substring(0, start)), null, true, EncodingPurpose.DOCUMENT))
        ).actionGet();
        out.printf(
            Locale.ROOT,
            "  the text before it fills the model's window (_embed gives %d token vectors, its limit less [CLS] and [SEP]): "
                + "cut at the window, this document could not be found by it%n",
            before.tokenVectors()[0].length
        );
    }

    /** The same query reranked by MaxSim over every passage's token rows, and the best passage by those rows. */
    private static void printTokenPassage(Client client, String body, String id, PrintStream out) {
        SearchResponse reranked = client.prepareSearch(INDEX)
            .setQuery(new MultimodalQueryBuilder(QUERY, null, Map.of("dense", new DenseRetriever("body_vec", MODEL, 2)), null))
            .addRescorer(new LateInteractionRescorerBuilder("body_tokens", QUERY, MODEL, LateInteractionScoreMode.REPLACE, 1f, 1f), 2)
            .highlighter(
                new HighlightBuilder()
                    .field(new HighlightBuilder.Field("body_tokens").highlighterType(BestPassageHighlighter.NAME).numOfFragments(1))
            )
            .setFetchSource(new String[]{"title"}, null)
            .get();
        SearchHit top = reranked.getHits().getHits()[0];
        if (top.getId().equals(id) == false || top.getHighlightFields().get("body_tokens") == null) {
            throw new IllegalStateException("the rerank's top hit [" + top.getId() + "] has no best passage by its token vectors");
        }
        String best = top.getHighlightFields().get("body_tokens").fragments()[0].string();
        out.printf(
            Locale.ROOT,
            "  reranked by MaxSim over every passage's token rows: %.3f  %s, best passage by MaxSim at character %d:%n",
            top.getScore(),
            top.getId(),
            body.indexOf(best)
        );
        String shown = best.replaceAll("\\s+", " ");
        out.printf(Locale.ROOT, "    \"%s\"%n", shown.length() > 160 ? shown.substring(0, 160) + " ..." : shown);
    }

    /** The corpus' topics two handbooks of four: title, then each paragraph's title and text, a paragraph each. */
    static Map<String, String> handbooks(Path corpus) throws IOException {
        Map<String, StringBuilder> topics = new LinkedHashMap<>();
        for (String line : Files.readAllLines(corpus, StandardCharsets.UTF_8)) {
            if (line.isBlank() == false) {
                String topic = line.replaceAll("^.*\"topic\": \"([a-z]+)\".*$", "$1");
                String title = line.replaceAll("^.*\"title\": \"([^\"]*)\".*$", "$1");
                String text = line.replaceAll("^.*\"body\": \"([^\"]*)\".*$", "$1");
                topics.computeIfAbsent(topic, t -> new StringBuilder()).append(title).append(". ").append(text).append(" ");
            }
        }
        List<String> names = List.copyOf(topics.keySet());
        Map<String, String> handbooks = new LinkedHashMap<>();
        for (int book = 0; book * 4 < names.size(); book++) {
            StringBuilder body = new StringBuilder();
            for (String topic : names.subList(book * 4, Math.min(names.size(), book * 4 + 4))) {
                // each topic twice, as a handbook's chapter and its summary: about 1,300 tokens a handbook
                body.append(topic.toUpperCase(Locale.ROOT)).append("\n\n").append(topics.get(topic)).append("\n\n");
                body.append("In short: ").append(topics.get(topic)).append("\n\n");
            }
            handbooks.put(
                "Handbook " + (book + 1) + ": " + String.join(", ", names.subList(book * 4, Math.min(names.size(), book * 4 + 4))),
                body.toString().strip()
            );
        }
        return handbooks;
    }
}

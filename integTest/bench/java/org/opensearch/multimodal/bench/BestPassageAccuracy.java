package org.opensearch.multimodal.bench;

import org.opensearch.action.search.SearchRequestBuilder;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.search.SearchHit;
import org.opensearch.search.fetch.subphase.highlight.HighlightBuilder;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Whether the {@code passage} highlighter shows the part of a long document that made it relevant: for each relevant
 * hit in a request's top 10, whether its best passage lies in one of its relevant abstracts (at least half the
 * passage's length inside one), by the dense field's best passage and by the token field's (MaxSim over each
 * passage's rows), against a passage of the document drawn at random (the share of its passages that would count) and
 * its first passage (what a text cut at the window shows).
 */
final class BestPassageAccuracy {

    private static final int TOP = 10;
    /** Enough fragments to have every passage of a document of 8 abstracts, ranked. */
    private static final int ALL_PASSAGES = 64;

    private BestPassageAccuracy() {
    }

    /** Where each abstract lies in its long document: id to {@code [start, end)}, in UTF-16 units of the long text. */
    static Map<String, int[]> abstractSpans(SciFact abstracts, SciFact longDocs, int group) {
        Map<String, int[]> spans = new HashMap<>();
        List<SciFact.Doc> corpus = abstracts.corpus();
        for (int from = 0, doc = 0; from < corpus.size(); from += group, doc++) {
            String longText = longDocs.corpus().get(doc).titleAndText();
            int at = 0;
            for (SciFact.Doc one : corpus.subList(from, Math.min(from + group, corpus.size()))) {
                int start = longText.indexOf(one.titleAndText(), at);
                if (start < 0) {
                    throw new IllegalStateException("abstract " + one.id() + " is not in its long document");
                }
                at = start + one.titleAndText().length();
                spans.put(one.id(), new int[]{start, at});
            }
        }
        return spans;
    }

    /**
     * Runs {@code request} (a search of the long documents, ids only) for each of {@code queries} with both fields
     * highlighted, and prints the shares; the long document of an abstract is found through {@code owner}.
     */
    static void print(
        SciFact abstracts,
        SciFact longDocs,
        int group,
        List<String> queries,
        Function<String, SearchRequestBuilder> request,
        String denseField,
        String tokenField
    ) {
        Map<String, int[]> spans = abstractSpans(abstracts, longDocs, group);
        Map<String, String> owner = new HashMap<>();
        for (int i = 0; i < abstracts.corpus().size(); i++) {
            owner.put(abstracts.corpus().get(i).id(), longDocs.corpus().get(i / group).id());
        }
        HighlightBuilder highlight = new HighlightBuilder().field(
            new HighlightBuilder.Field(denseField).highlighterType("passage").numOfFragments(ALL_PASSAGES)
        ).field(new HighlightBuilder.Field(tokenField).highlighterType("passage").numOfFragments(1));
        Map<String, double[]> shares = new LinkedHashMap<>();
        for (String name : List
            .of("dense field's best passage", "token field's best passage (MaxSim)", "a passage at random", "the first passage")) {
            shares.put(name, new double[2]);
        }
        for (String query : queries) {
            Map<String, List<int[]>> relevantSpans = new HashMap<>();
            abstracts.qrels().getOrDefault(query, Map.of()).forEach((id, grade) -> {
                if (grade > 0 && spans.containsKey(id)) {
                    relevantSpans.computeIfAbsent(owner.get(id), doc -> new ArrayList<>()).add(spans.get(id));
                }
            });
            SearchResponse response = request.apply(abstracts.queries().get(query)).setSize(TOP).highlighter(highlight).get();
            for (SearchHit hit : response.getHits().getHits()) {
                List<int[]> relevant = relevantSpans.get(hit.getId());
                if (relevant == null) {
                    continue;
                }
                Map<?, ?> passages = (Map<?, ?>) ((Map<?, ?>) hit.field("_multimodal").getValue()).get("passages");
                List<int[]> dense = offsets(passages.get(denseField));
                List<int[]> tokens = offsets(passages.get(tokenField));
                if (dense.isEmpty() || tokens.isEmpty()) {
                    throw new IllegalStateException("hit " + hit.getId() + " has no best passage: " + passages);
                }
                count(shares.get("dense field's best passage"), inRelevant(dense.get(0), relevant) ? 1 : 0);
                count(shares.get("token field's best passage (MaxSim)"), inRelevant(tokens.get(0), relevant) ? 1 : 0);
                count(
                    shares.get("a passage at random"),
                    dense.stream().filter(p -> inRelevant(p, relevant)).count() / (double) dense.size()
                );
                count(shares.get("the first passage"), dense.stream().anyMatch(p -> p[0] == 0 && inRelevant(p, relevant)) ? 1 : 0);
            }
        }
        System.out.println("| passage shown for a relevant hit in the top " + TOP + " | in a relevant abstract |");
        System.out.println("|---|---|");
        shares.forEach(
            (name, share) -> System.out.printf(Locale.ROOT, "| %s | %.3f (%d hits) |%n", name, share[0] / share[1], (long) share[1])
        );
    }

    private static void count(double[] share, double value) {
        share[0] += value;
        share[1]++;
    }

    /** The passages' {@code [start, end)}, best first, from the hit's {@code _multimodal.passages.<field>}. */
    private static List<int[]> offsets(Object passages) {
        List<int[]> out = new ArrayList<>();
        if (passages instanceof List<?> list) {
            for (Object passage : list) {
                Map<?, ?> one = (Map<?, ?>) passage;
                out.add(new int[]{((Number) one.get("start")).intValue(), ((Number) one.get("end")).intValue()});
            }
        }
        return out;
    }

    /** At least half of {@code passage} inside one of {@code relevant}. */
    private static boolean inRelevant(int[] passage, List<int[]> relevant) {
        for (int[] span : relevant) {
            int inside = Math.min(passage[1], span[1]) - Math.max(passage[0], span[0]);
            if (2L * inside >= passage[1] - passage[0]) {
                return true;
            }
        }
        return false;
    }
}

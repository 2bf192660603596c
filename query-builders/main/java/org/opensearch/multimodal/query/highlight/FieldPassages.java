package org.opensearch.multimodal.query.highlight;

import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.opensearch.index.mapper.MappedFieldType;
import org.opensearch.multimodal.mapper.ChunkedVectors;
import org.opensearch.multimodal.mapper.DenseVectorFieldMapper.DenseVectorFieldType;
import org.opensearch.multimodal.mapper.MultiVectorFieldMapper.MultiVectorFieldType;
import org.opensearch.multimodal.mapper.StoredTokenMaxSim;
import org.opensearch.multimodal.query.retriever.PassageQueries;
import org.opensearch.search.fetch.FetchContext;
import org.opensearch.search.fetch.FetchSubPhase.HitContext;
import org.opensearch.search.rescore.RescoreContext;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One field the {@code passage} highlighter answers for in a request: what the search compared the field's passages
 * with, and how a hit's are ranked. A chunked {@code dense_vector} field: the query vector of the dense retriever that
 * searched it, against each passage's vector. A {@code multi_vector} field: the query's token vectors (the
 * {@code late_interaction} rescorer's, else a multi-vector retriever's), MaxSim over each passage's rows, where the
 * chunked dense value filled from the same passages records how many rows each gave ({@link ChunkedVectors#TOKEN_ROWS}).
 */
sealed interface FieldPassages {

    /** A hit's passages best first, and the source field their text was cut from (null when its value does not say). */
    record Ranked(List<BestPassages.Passage> passages, String textField) {

        static final Ranked NONE = new Ranked(List.of(), null);
    }

    /**
     * The field's passages for this request, or null when the field has none to show: neither kind, or the search did
     * not compare its passages with anything ({@code query}: what the highlighter runs with).
     */
    static FieldPassages of(FetchContext fetch, Query query, MappedFieldType type) {
        if (type instanceof DenseVectorFieldType dense && dense.chunked()) {
            float[] vector = find(query, passages -> passages.passageQuery(dense.name()));
            return vector == null ? null : new Dense(dense, vector);
        }
        if (type instanceof MultiVectorFieldType tokens) {
            float[][] queryTokens = rescorerTokens(fetch, tokens.name());
            if (queryTokens == null) {
                queryTokens = find(query, passages -> passages.passageTokens(tokens.name()));
            }
            return queryTokens == null ? null
                : new Tokens(
                    tokens,
                    new StoredTokenMaxSim(tokens.name(), queryTokens, tokens.format(), tokens.dims()),
                    chunkedDenseFields(fetch)
                );
        }
        return null;
    }

    /** The field's name. */
    String name();

    Ranked rank(HitContext hit) throws IOException;

    /** A chunked dense field: each passage's similarity to the dense retriever's query vector. */
    record Dense(DenseVectorFieldType type, float[] query) implements FieldPassages {

        @Override
        public String name() {
            return type.name();
        }

        @Override
        public Ranked rank(HitContext hit) throws IOException {
            List<BestPassages.Passage> ranked = BestPassages.rank(hit.reader(), hit.docId(), type, query);
            return ranked.isEmpty() ? Ranked.NONE : new Ranked(ranked, textField(chunkedValue(hit, type.name())));
        }
    }

    /**
     * A {@code multi_vector} field: MaxSim of the query's tokens over each passage's rows, as counted by the one of
     * {@code chunkedFields} (the mapping's chunked dense fields) whose value records this field's rows. One fetch
     * phase's: {@code maxSim} serves one thread.
     */
    record Tokens(MultiVectorFieldType type, StoredTokenMaxSim maxSim, List<String> chunkedFields) implements FieldPassages {

        @Override
        public String name() {
            return type.name();
        }

        @Override
        public Ranked rank(HitContext hit) throws IOException {
            for (String chunked : chunkedFields) {
                Map<?, ?> value = chunkedValue(hit, chunked);
                int[] rowCounts = value == null ? null : ChunkedVectors.tokenRows(value, type.name());
                if (rowCounts != null) {
                    List<BestPassages.Passage> ranked = BestPassages
                        .rankByTokens(hit.reader(), hit.docId(), type.name(), maxSim, chunked, rowCounts);
                    return ranked.isEmpty() ? Ranked.NONE : new Ranked(ranked, textField(value));
                }
            }
            return Ranked.NONE;
        }
    }

    /** The value of {@code field} in the hit's source, where it is a chunked value (an object). */
    private static Map<?, ?> chunkedValue(HitContext hit, String field) {
        return hit.sourceLookup().extractValue(field, null) instanceof Map<?, ?> value ? value : null;
    }

    private static String textField(Map<?, ?> chunkedValue) {
        return chunkedValue != null && chunkedValue.get(ChunkedVectors.TEXT_FIELD) instanceof String field ? field : null;
    }

    /** The token vectors a {@code late_interaction} rescorer of this request compared {@code field} with; null if none. */
    private static float[][] rescorerTokens(FetchContext fetch, String field) {
        List<RescoreContext> rescorers = fetch == null ? null : fetch.rescore();
        for (RescoreContext rescorer : rescorers == null ? List.<RescoreContext>of() : rescorers) {
            float[][] tokens = rescorer instanceof PassageQueries passages ? passages.passageTokens(field) : null;
            if (tokens != null) {
                return tokens;
            }
        }
        return null;
    }

    private static List<String> chunkedDenseFields(FetchContext fetch) {
        List<String> fields = new ArrayList<>();
        for (MappedFieldType type : fetch.mapperService().fieldTypes()) {
            if (type instanceof DenseVectorFieldType dense && dense.chunked()) {
                fields.add(dense.name());
            }
        }
        return fields;
    }

    /** What the shard's query compared the field with, wherever the multimodal query sits in it; null if nothing. */
    private static <T> T find(Query query, Function<PassageQueries, T> compared) {
        List<T> found = new ArrayList<>(1);
        query.visit(new QueryVisitor() {

            @Override
            public void visitLeaf(Query leaf) {
                if (found.isEmpty() && leaf instanceof PassageQueries passages) {
                    T value = compared.apply(passages);
                    if (value != null) {
                        found.add(value);
                    }
                }
            }

            @Override
            public QueryVisitor getSubVisitor(BooleanClause.Occur occur, Query parent) {
                return this;
            }
        });
        return found.isEmpty() ? null : found.get(0);
    }
}

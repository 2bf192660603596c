package org.opensearch.multimodal.query.retriever;

import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.opensearch.common.xcontent.XContentFactory;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.common.ParsingException;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.index.query.QueryRewriteContext;
import org.opensearch.multimodal.query.common.InnerQueries;

import java.io.IOException;
import java.util.Locale;
import java.util.Map;

/**
 * A lexical retriever: any OpenSearch query (BM25 through {@code match}, {@code multi_match}, ...) proposes its top k
 * and scores the pool documents it matches. It has no vector, so it can only fuse, never be a GQR primary.
 * {@code k} 0 (unset) takes the query's {@code k}.
 * <pre>{"lexical": {"multi_match": {...}}}  or  {"lexical": {"query": {"multi_match": {...}}, "k": 50}}</pre>
 */
public record LexicalRetriever(QueryBuilder query, int k) implements RetrieverSpec {

    public static final String TYPE = "lexical";
    static final RetrieverKind KIND = new RetrieverKind(TYPE, LexicalRetriever::parse, LexicalRetriever::new);

    public LexicalRetriever {
        if (query == null) {
            throw new IllegalArgumentException("[lexical] retriever needs a query");
        }
        RetrieverParams.checkK(k);
    }

    @Override
    public RetrieverSpec withQueryK(int queryK) {
        return k == 0 ? new LexicalRetriever(query, queryK) : this;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void checkInputs(String name, QueryInputs inputs) {
        // its query carries its own text
    }

    @Override
    public RetrieverSpec rewrite(QueryRewriteContext context) throws IOException {
        QueryBuilder rewritten = query.rewrite(context);
        return rewritten == query ? this : new LexicalRetriever(rewritten, k);
    }

    /** Its query with the filter beside it: proposes its top k, scores the pool documents it matches. */
    @Override
    public PoolRetriever onShard(String name, ShardInputs shard) throws IOException {
        BooleanQuery.Builder withFilter = new BooleanQuery.Builder().add(query.toQuery(shard.context()), BooleanClause.Occur.MUST);
        if (shard.filter() != null) {
            withFilter.add(shard.filter(), BooleanClause.Occur.FILTER);
        }
        return new LexicalPoolRetriever(name, withFilter.build(), k);
    }

    @Override
    public PrimaryRole gqrRole() {
        return PrimaryRole.refused("is lexical: it has no query vector to refine, so it can only be complementary");
    }

    LexicalRetriever(StreamInput in) throws IOException {
        this(in.readNamedWriteable(QueryBuilder.class), in.readVInt());
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeNamedWriteable(query);
        out.writeVInt(k);
    }

    @Override
    public void toXContent(XContentBuilder builder) throws IOException {
        builder.startObject(TYPE).field("query", query).field("k", k).endObject();
    }

    /** Parses the object after {@code "lexical":}; the parser is on its START_OBJECT. */
    static LexicalRetriever parse(XContentParser parser, String name) throws IOException {
        Map<String, Object> body = parser.map();
        Object wrapped = body.get("query");
        int k = 0;
        Map<?, ?> queryJson = body;
        if (wrapped != null || body.containsKey("k")) {
            for (String key : body.keySet()) {
                if (key.equals("query") == false && key.equals("k") == false) {
                    throw new ParsingException(
                        parser.getTokenLocation(),
                        String.format(Locale.ROOT, "[retrievers.%s.lexical] unknown parameter [%s]", name, key)
                    );
                }
            }
            if ((wrapped instanceof Map<?, ?>) == false) {
                throw new ParsingException(
                    parser.getTokenLocation(),
                    String.format(Locale.ROOT, "[retrievers.%s.lexical.query] must be a query object", name)
                );
            }
            queryJson = (Map<?, ?>) wrapped;
            if (body.get("k") instanceof Number number) {
                k = RetrieverParams.count(parser, name, TYPE, "k", number.intValue());
            } else if (body.containsKey("k")) {
                throw new ParsingException(
                    parser.getTokenLocation(),
                    String.format(Locale.ROOT, "[retrievers.%s.lexical.k] must be a number", name)
                );
            }
        }
        QueryBuilder query;
        try (
            XContentBuilder json = XContentFactory.jsonBuilder().map(uncheckedMap(queryJson));
            XContentParser inner = JsonXContent.jsonXContent
                .createParser(parser.getXContentRegistry(), parser.getDeprecationHandler(), json.toString())
        ) {
            query = InnerQueries.parse(inner, String.format(Locale.ROOT, "retrievers.%s.lexical", name));
        }
        try {
            return new LexicalRetriever(query, k);
        } catch (IllegalArgumentException e) {
            throw new ParsingException(
                parser.getTokenLocation(),
                String.format(Locale.ROOT, "[retrievers.%s.lexical] %s", name, e.getMessage())
            );
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> uncheckedMap(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }
}

package org.opensearch.multimodal.query.retriever;

import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.ConstantScoreQuery;
import org.opensearch.core.common.ParsingException;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.index.mapper.IdFieldMapper;
import org.opensearch.multimodal.query.MultimodalQueryBuilder;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A retriever kind that is not built in, to show that a kind is one class plus its registration: {@code {"pinned":
 * {"ids": ["3", "7"]}}} proposes the documents with those ids and scores each of them 1. Nothing in
 * {@link MultimodalQueryBuilder} knows it.
 */
public record PinnedRetriever(List<String> ids) implements RetrieverSpec {

    public static final String TYPE = "pinned";
    public static final RetrieverKind KIND = new RetrieverKind(TYPE, PinnedRetriever::parse, PinnedRetriever::new);

    public PinnedRetriever {
        if (ids == null || ids.isEmpty()) {
            throw new IllegalArgumentException("[pinned] needs [ids]");
        }
        ids = List.copyOf(ids);
    }

    PinnedRetriever(StreamInput in) throws IOException {
        this(in.readStringList());
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeStringCollection(ids);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public int k() {
        return ids.size();
    }

    @Override
    public void toXContent(XContentBuilder builder) throws IOException {
        builder.startObject(TYPE).field("ids", ids).endObject();
    }

    @Override
    public void checkInputs(String name, QueryInputs inputs) {
        // the ids are its whole input
    }

    @Override
    public PoolRetriever onShard(String name, ShardInputs shard) {
        BooleanQuery.Builder pinned = new BooleanQuery.Builder().add(
            new ConstantScoreQuery(shard.context().fieldMapper(IdFieldMapper.NAME).termsQuery(ids, shard.context())),
            BooleanClause.Occur.MUST
        );
        if (shard.filter() != null) {
            pinned.add(shard.filter(), BooleanClause.Occur.FILTER);
        }
        return new LexicalPoolRetriever(name, pinned.build(), ids.size());
    }

    @Override
    public PrimaryRole gqrRole() {
        return PrimaryRole.refused("pins documents: it has no query vector to refine");
    }

    static PinnedRetriever parse(XContentParser parser, String name) throws IOException {
        Map<String, Object> body = parser.map();
        if (body.keySet().equals(Set.of("ids")) == false || (body.get("ids") instanceof List<?>) == false) {
            throw new ParsingException(
                parser.getTokenLocation(),
                String.format(Locale.ROOT, "[retrievers.%s.pinned] takes [ids], a list", name)
            );
        }
        return new PinnedRetriever(((List<?>) body.get("ids")).stream().map(String::valueOf).toList());
    }
}

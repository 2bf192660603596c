package org.opensearch.multimodal.query.retriever;

/** A shard's multimodal query, as the best-passage highlighter reads it: what each chunked field was searched with. */
public interface PassageQueries {

    /** The query vector a dense retriever compared with {@code field}'s passages; null when none searched it. */
    float[] passageQuery(String field);
}

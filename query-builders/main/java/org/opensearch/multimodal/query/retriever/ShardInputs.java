package org.opensearch.multimodal.query.retriever;

import org.apache.lucene.search.Query;
import org.opensearch.index.query.QueryShardContext;
import org.opensearch.multimodal.query.encoding.QueryVectors;
import org.opensearch.multimodal.services.MultimodalServices;

import java.util.Map;

/**
 * What a retriever has on a shard to build its part of the hybrid retrieval: the shard, the query's filter (null when
 * none), its inputs, the vectors the coordinating node encoded or read from a {@code like} document, and the node's
 * services.
 */
public record ShardInputs(
    QueryShardContext context,
    Query filter,
    QueryInputs inputs,
    QueryVectors vectors,
    Map<String, float[]> likeVectors,
    MultimodalServices services
) {
}

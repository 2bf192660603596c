package org.opensearch.multimodal.plugin;

import org.opensearch.test.OpenSearchIntegTestCase;

/** {@link SearchStopsTestCase} on one node: a one-shard index. */
@OpenSearchIntegTestCase.ClusterScope(scope = OpenSearchIntegTestCase.Scope.SUITE, numDataNodes = 1, numClientNodes = 0)
public class SearchStopsOneNodeClusterTests extends SearchStopsTestCase {

    @Override
    protected int shards() {
        return 1;
    }
}

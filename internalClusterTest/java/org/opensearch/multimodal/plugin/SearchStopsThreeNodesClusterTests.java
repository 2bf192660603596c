package org.opensearch.multimodal.plugin;

import org.opensearch.test.OpenSearchIntegTestCase;

/** {@link SearchStopsTestCase} on three nodes: a three-shard index, a shard on each. */
@OpenSearchIntegTestCase.ClusterScope(scope = OpenSearchIntegTestCase.Scope.SUITE, numDataNodes = 3, numClientNodes = 0)
public class SearchStopsThreeNodesClusterTests extends SearchStopsTestCase {

    @Override
    protected int shards() {
        return 3;
    }
}

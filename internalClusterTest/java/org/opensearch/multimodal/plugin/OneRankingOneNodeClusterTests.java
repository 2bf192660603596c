package org.opensearch.multimodal.plugin;

import org.opensearch.test.OpenSearchIntegTestCase;

/** {@link OneRankingTestCase} with every shard on one node. */
@OpenSearchIntegTestCase.ClusterScope(scope = OpenSearchIntegTestCase.Scope.TEST, numDataNodes = 1, numClientNodes = 0)
public class OneRankingOneNodeClusterTests extends OneRankingTestCase {
}

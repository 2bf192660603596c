package org.opensearch.multimodal.plugin;

import org.opensearch.test.OpenSearchIntegTestCase;

/** {@link OneRankingTestCase} with the shards spread over three nodes. */
@OpenSearchIntegTestCase.ClusterScope(scope = OpenSearchIntegTestCase.Scope.TEST, numDataNodes = 3, numClientNodes = 0)
public class OneRankingThreeNodesClusterTests extends OneRankingTestCase {
}

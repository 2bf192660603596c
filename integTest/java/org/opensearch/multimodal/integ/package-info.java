/** Tests against the real OpenSearch distribution with the plugin zip installed: one node and a three-node cluster, over REST. */
package org.opensearch.multimodal.integ;

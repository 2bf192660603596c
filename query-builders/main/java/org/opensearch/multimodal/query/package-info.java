/** Query time: the {@code multimodal} query, its retrievers, and query encoding on the coordinating node. */
package org.opensearch.multimodal.query;

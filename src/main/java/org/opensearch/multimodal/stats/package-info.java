/** Node-level counters of inference, ingest and queries, reported by the stats API. */
package org.opensearch.multimodal.stats;

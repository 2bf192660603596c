/** Node-level counters of inference (per model and per inference pool), ingest and queries, reported by the stats API. */
package org.opensearch.multimodal.stats;

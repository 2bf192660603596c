/**
 * What a node reports about itself over time: its inference pools, the plugin's counters and OpenSearch's circuit
 * breakers now ({@link org.opensearch.multimodal.monitor.NodeStatsCollector}), and a bounded history of samples taken
 * on a schedule ({@link org.opensearch.multimodal.monitor.StatsHistoryService}) for the stats API and the operations
 * page.
 */
package org.opensearch.multimodal.monitor;

/**
 * Benchmarks run by {@code ./mvnw -Pbench package}: quality on BEIR SciFact, pipeline throughput against raw ONNX
 * Runtime, search latency during ingest, and the cost of the stats, each measured side by side in one run.
 */
package org.opensearch.multimodal.bench;

/** Benchmarks run by {@code ./mvnw -Pbench package}: quality on BEIR SciFact and pipeline throughput against raw ONNX Runtime, measured side by side. */
package org.opensearch.multimodal.bench;

/** The model runtime: model directories and manifests, ONNX Runtime sessions, tokenizers, pooling, the registry. */
package org.opensearch.multimodal.model;

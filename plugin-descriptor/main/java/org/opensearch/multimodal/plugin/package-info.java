/** The entry class OpenSearch loads; it wires the model runtime into ingest, mappings, codecs, search and REST. */
package org.opensearch.multimodal.plugin;

/**
 * The entry class OpenSearch loads: it builds the node's services once ({@code createComponents}) and wires them into
 * ingest, mappings, codecs, search and REST through what it registers.
 */
package org.opensearch.multimodal.plugin;

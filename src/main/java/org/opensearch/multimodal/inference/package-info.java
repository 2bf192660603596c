/** Runs model inference on the plugin's own thread pool, off the ingest, search and transport threads. */
package org.opensearch.multimodal.inference;

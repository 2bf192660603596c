/** Index time: the ingest processors that embed documents ({@code embed_text}) and their factories. */
package org.opensearch.multimodal.processor;

/**
 * Index time: the ingest processors that embed documents ({@code embed_text}), images ({@code embed_image}) and
 * products ({@code embed_product}) through OpenSearch's batch ingest, and their factories.
 */
package org.opensearch.multimodal.processor;

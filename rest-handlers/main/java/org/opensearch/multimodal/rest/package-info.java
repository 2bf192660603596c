/** The REST API under {@code /_plugins/_multimodal}: models and embedding. */
package org.opensearch.multimodal.rest;

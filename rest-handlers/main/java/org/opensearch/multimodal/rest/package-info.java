/**
 * The REST API under {@code /_plugins/_multimodal}: models (list, load, unload, {@code _cat/multimodal_models}),
 * {@code _embed}, the stats API and the search page, each REST handler backed by a transport action.
 */
package org.opensearch.multimodal.rest;

/**
 * Cutting long texts into passages a model's window holds: the options a processor takes, and the token-window splitter.
 * A leaf of the core: it knows token positions, never a model.
 */
package org.opensearch.multimodal.chunking;

/**
 * The index codec: each {@code dense_vector} field's HNSW graph built with its own parameters, and derived vector source
 * (vector fields left out of the stored {@code _source} and put back on read, the translog handed the same derived
 * bytes), {@code _source} kept in stored-fields files of its own. With derived vector source on (the default) segments
 * are written under the plugin's codec name {@code Multimodal105} (those of earlier builds, {@code Multimodal104}, are
 * still read); with it off, under Lucene's, so a stock node reads them.
 */
package org.opensearch.multimodal.codec;

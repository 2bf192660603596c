package org.opensearch.multimodal.chunking;

import java.util.List;

/** The passages of one text, and whether text was left past the last of them ({@link ChunkingOptions#maxChunks()}). */
public record Chunks(List<Chunk> chunks, boolean cut) {

    public Chunks {
        chunks = List.copyOf(chunks);
    }
}

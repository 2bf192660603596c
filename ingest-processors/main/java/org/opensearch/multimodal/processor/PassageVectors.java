package org.opensearch.multimodal.processor;

import org.opensearch.multimodal.chunking.Chunk;
import org.opensearch.multimodal.mapper.ChunkedVectors;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One field's passages on their way to vectors: where each lies in the field's value, and each one's vector and pooled
 * token rows as its batch finishes (batches finish on several threads); complete once the last passage is in.
 */
final class PassageVectors {

    private final TextInput input;
    private final List<Chunk> chunks;
    private final float[][] vectors;
    private final float[][][] pooledTokens;
    private final AtomicInteger remaining;
    private volatile boolean truncated;

    PassageVectors(TextInput input, List<Chunk> chunks) {
        this.input = input;
        this.chunks = List.copyOf(chunks);
        this.vectors = new float[chunks.size()][];
        this.pooledTokens = input.wantsTokenVectors() ? new float[chunks.size()][][] : null;
        this.remaining = new AtomicInteger(chunks.size());
    }

    TextInput input() {
        return input;
    }

    List<Chunk> chunks() {
        return chunks;
    }

    /** Passage {@code i}'s text. */
    String passage(int i) {
        Chunk chunk = chunks.get(i);
        return chunk.text(input.passages().texts().get(chunk.element()));
    }

    /** Records passage {@code i}'s vectors; true when it was the last one missing. */
    boolean done(int i, float[] vector, float[][] pooled, boolean cutAtWindow) {
        vectors[i] = vector;
        if (pooledTokens != null) {
            pooledTokens[i] = pooled;
        }
        truncated |= cutAtWindow;
        return remaining.decrementAndGet() == 0;
    }

    /** Whether a passage had tokens past the model's window. */
    boolean truncated() {
        return truncated;
    }

    float[] onlyVector() {
        return vectors[0];
    }

    List<float[][]> pooledTokens() {
        return Arrays.asList(pooledTokens);
    }

    /**
     * The value of a chunked dense_vector field ({@link ChunkedVectors}): vectors, offsets, the text field and its hash,
     * and, when the same passages fill a token field, how many of its rows each passage gave.
     */
    Map<String, Object> chunkedValue(String textHash) {
        List<Object> vectorValues = new ArrayList<>(vectors.length);
        List<Object> offsets = new ArrayList<>(vectors.length);
        for (int i = 0; i < vectors.length; i++) {
            vectorValues.add(new FloatListView(vectors[i]));
            Chunk chunk = chunks.get(i);
            offsets.add(List.of(chunk.element(), chunk.start(), chunk.end()));
        }
        Map<String, Object> value = new LinkedHashMap<>();
        value.put(ChunkedVectors.VECTORS, vectorValues);
        value.put(ChunkedVectors.OFFSETS, offsets);
        value.put(ChunkedVectors.TEXT_FIELD, input.sourceField());
        value.put(ChunkedVectors.TEXT_HASH, textHash);
        if (pooledTokens != null) {
            List<Integer> rows = new ArrayList<>(pooledTokens.length);
            for (float[][] passage : pooledTokens) {
                rows.add(passage.length);
            }
            value.put(ChunkedVectors.TOKEN_ROWS, Map.of(input.tokenField(), rows));
        }
        return value;
    }

    /**
     * What a chunked value records of the text it was embedded from: a digest of the passages, the model's fingerprint
     * and the chunking (the first 16 bytes of SHA-256, base64), so the same text is never embedded twice by mistake
     * and another model or chunking always is.
     */
    static String textHash(TextFieldReader.Passages passages, String fingerprint, String chunking) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JVM has SHA-256
        }
        digest.update((fingerprint + "\n" + chunking + "\n" + passages.clientChunked() + "\n").getBytes(StandardCharsets.UTF_8));
        for (String text : passages.texts()) {
            digest.update(String.valueOf(text).getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest.digest(), 16));
    }
}

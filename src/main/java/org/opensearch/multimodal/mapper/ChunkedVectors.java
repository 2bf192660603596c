package org.opensearch.multimodal.mapper;

import org.apache.lucene.store.ByteArrayDataInput;
import org.apache.lucene.store.ByteArrayDataOutput;
import org.apache.lucene.util.BytesRef;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.core.xcontent.XContentParser.Token;
import org.opensearch.multimodal.chunking.ChunkingOptions;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The value of a {@code dense_vector} field with {@code "chunked": true}: a vector per passage and, when the passages
 * came from a text, where each lies in it ({@code [element, start, end]}, UTF-16 offsets into the source field's text,
 * or into its element-th passage when the client sent an array).
 * When the same processor filled a {@code multi_vector} field from the same passages, {@code token_rows} says how many
 * of its rows each passage gave, in passage order (the rows are packed passage after passage), so the best passage by
 * MaxSim can be found.
 * <pre>{"vectors": [[0.1, ...], [0.3, ...]], "offsets": [[0, 0, 1830], [0, 1650, 3402]], "text_field": "body",
 *  "text_hash": "...", "token_rows": {"body_tokens": [310, 296]}}</pre>
 */
public record ChunkedVectors(float[][] vectors, int[][] offsets) {

    public static final String VECTORS = "vectors";
    public static final String OFFSETS = "offsets";
    /** The text field the passages were cut from (kept in {@code _source}, for the {@code passage} highlighter). */
    public static final String TEXT_FIELD = "text_field";
    /**
     * A digest of the text, the model's fingerprint and the chunking the passages came from: an {@code _update} that
     * leaves the text as it was does not embed it again (kept in {@code _source}).
     */
    public static final String TEXT_HASH = "text_hash";
    /** Per {@code multi_vector} field filled from the same passages, each passage's row count (kept in {@code _source}). */
    public static final String TOKEN_ROWS = "token_rows";

    /** Reads the object the parser stands on; every problem names the field. */
    static ChunkedVectors parse(XContentParser parser, String field, int dims) throws IOException {
        if (parser.currentToken() != Token.START_OBJECT) {
            throw new IllegalArgumentException(
                String.format(
                    Locale.ROOT,
                    "field [%s] is chunked and expects {\"%s\": [[...], ...], \"%s\": [[element, start, end], ...]}, got [%s]",
                    field,
                    VECTORS,
                    OFFSETS,
                    parser.currentToken()
                )
            );
        }
        float[][] vectors = null;
        int[][] offsets = null;
        Map<String, Integer> tokenRows = Map.of();
        for (Token token = parser.nextToken(); token != Token.END_OBJECT; token = parser.nextToken()) {
            String key = parser.currentName();
            parser.nextToken();
            if (VECTORS.equals(key)) {
                vectors = VectorParsing.readVectors(parser, field, dims, ChunkingOptions.MAX_CHUNKS);
            } else if (OFFSETS.equals(key)) {
                offsets = readOffsets(parser, field);
            } else if (TOKEN_ROWS.equals(key)) {
                tokenRows = readTokenRowCounts(parser, field);
            } else if ((TEXT_FIELD.equals(key) || TEXT_HASH.equals(key)) && parser.currentToken() == Token.VALUE_STRING) {
                // only read back from _source
            } else {
                throw new IllegalArgumentException(
                    String.format(
                        Locale.ROOT,
                        "field [%s] has an unknown key [%s]; a chunked value has [%s], [%s], [%s], [%s] and [%s]",
                        field,
                        key,
                        VECTORS,
                        OFFSETS,
                        TEXT_FIELD,
                        TEXT_HASH,
                        TOKEN_ROWS
                    )
                );
            }
        }
        if (vectors == null || vectors.length == 0) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "field [%s] has no [%s]", field, VECTORS));
        }
        if (offsets != null && offsets.length != vectors.length) {
            throw new IllegalArgumentException(
                String.format(Locale.ROOT, "field [%s] has %d vectors but %d offsets", field, vectors.length, offsets.length)
            );
        }
        for (Map.Entry<String, Integer> counts : tokenRows.entrySet()) {
            if (counts.getValue() != vectors.length) {
                throw new IllegalArgumentException(
                    String.format(
                        Locale.ROOT,
                        "field [%s] has %d vectors but [%s.%s] counts the rows of %d passages",
                        field,
                        vectors.length,
                        TOKEN_ROWS,
                        counts.getKey(),
                        counts.getValue()
                    )
                );
            }
        }
        return new ChunkedVectors(vectors, offsets);
    }

    /** {@code token_rows}: each token field's passage count, after checking every count is a non-negative integer. */
    private static Map<String, Integer> readTokenRowCounts(XContentParser parser, String field) throws IOException {
        if (parser.currentToken() != Token.START_OBJECT) {
            throw badTokenRows(field);
        }
        Map<String, Integer> passages = new HashMap<>();
        for (Token token = parser.nextToken(); token != Token.END_OBJECT; token = parser.nextToken()) {
            String tokenField = parser.currentName();
            if (parser.nextToken() != Token.START_ARRAY) {
                throw badTokenRows(field);
            }
            int count = 0;
            for (Token value = parser.nextToken(); value != Token.END_ARRAY; value = parser.nextToken()) {
                if (value != Token.VALUE_NUMBER || parser.numberType() != XContentParser.NumberType.INT || parser.intValue() < 0) {
                    throw badTokenRows(field);
                }
                count++;
            }
            passages.put(tokenField, count);
        }
        return passages;
    }

    private static IllegalArgumentException badTokenRows(String field) {
        return new IllegalArgumentException(
            String.format(
                Locale.ROOT,
                "field [%s] [%s] must be {\"<multi_vector field>\": [rows, ...]}: a non-negative integer per passage",
                field,
                TOKEN_ROWS
            )
        );
    }

    /**
     * The row count of each passage that {@code tokenField} holds, as a chunked value in {@code _source} records them;
     * null where it records none (or not as integers).
     */
    public static int[] tokenRows(Map<?, ?> chunkedValue, String tokenField) {
        if (chunkedValue.get(TOKEN_ROWS) instanceof Map<?, ?> byField && byField.get(tokenField) instanceof List<?> counts) {
            int[] rows = new int[counts.size()];
            for (int i = 0; i < rows.length; i++) {
                if (counts.get(i) instanceof Number count) {
                    rows[i] = count.intValue();
                } else {
                    return null;
                }
            }
            return rows;
        }
        return null;
    }

    private static int[][] readOffsets(XContentParser parser, String field) throws IOException {
        List<int[]> offsets = new ArrayList<>();
        if (parser.currentToken() != Token.START_ARRAY) {
            throw badOffset(field, offsets.size());
        }
        for (Token token = parser.nextToken(); token != Token.END_ARRAY; token = parser.nextToken()) {
            if (token != Token.START_ARRAY) {
                throw badOffset(field, offsets.size());
            }
            int[] offset = new int[3];
            int count = 0;
            for (Token value = parser.nextToken(); value != Token.END_ARRAY; value = parser.nextToken()) {
                if (value != Token.VALUE_NUMBER || count == 3) {
                    throw badOffset(field, offsets.size());
                }
                offset[count++] = parser.intValue(true);
            }
            if (count != 3 || offset[0] < 0 || offset[1] < 0 || offset[2] < offset[1]) {
                throw badOffset(field, offsets.size());
            }
            offsets.add(offset);
        }
        return offsets.toArray(new int[0][]);
    }

    private static IllegalArgumentException badOffset(String field, int index) {
        return new IllegalArgumentException(
            String.format(
                Locale.ROOT,
                "field [%s] offset [%d] must be [element, start, end]: three integers, 0 <= start <= end",
                field,
                index
            )
        );
    }

    /** The offsets as doc values bytes: vInts, element, start and end length for each passage. */
    BytesRef offsetBytes() {
        byte[] buffer = new byte[offsets.length * 15];
        ByteArrayDataOutput out = new ByteArrayDataOutput(buffer);
        try {
            for (int[] offset : offsets) {
                out.writeVInt(offset[0]);
                out.writeVInt(offset[1]);
                out.writeVInt(offset[2] - offset[1]);
            }
        } catch (IOException e) {
            throw new AssertionError(e); // an array is written in memory
        }
        return new BytesRef(buffer, 0, out.getPosition());
    }

    /** The offsets {@link #offsetBytes} wrote. */
    public static int[][] readOffsetBytes(BytesRef bytes) {
        ByteArrayDataInput in = new ByteArrayDataInput(bytes.bytes, bytes.offset, bytes.length);
        List<int[]> offsets = new ArrayList<>();
        while (in.eof() == false) {
            int element = in.readVInt();
            int start = in.readVInt();
            offsets.add(new int[]{element, start, start + in.readVInt()});
        }
        return offsets.toArray(new int[0][]);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ChunkedVectors that && Arrays.deepEquals(vectors, that.vectors) && Arrays.deepEquals(offsets, that.offsets);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(vectors) * 31 + Arrays.deepHashCode(offsets);
    }

    @Override
    public String toString() {
        return "ChunkedVectors[" + vectors.length + " vectors]";
    }
}

package org.opensearch.multimodal.query.encoding;

import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;

import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What the coordinating node encoded for one query, sent to the shards so they never run a model: dense vectors by
 * {@link #denseKey(String, String) input and model}, query token vectors (L2-normalized rows) by model, and which model
 * files did it ({@link EncoderIdentity}), by model.
 */
public record QueryVectors(Map<String, float[]> dense, Map<String, float[][]> tokens, Map<String, EncoderIdentity> encoders) {

    /** The input a dense vector was encoded from: {@code query_text}. */
    public static final String TEXT_INPUT = "text";
    /** The input a dense vector was encoded from: {@code query_image}. */
    public static final String IMAGE_INPUT = "image";

    public static final QueryVectors EMPTY = new QueryVectors(Map.of(), Map.of(), Map.of());

    public QueryVectors {
        dense = Map.copyOf(dense);
        tokens = Map.copyOf(tokens);
        encoders = Map.copyOf(encoders);
    }

    static String denseKey(String input, String model) {
        return input + ":" + model;
    }

    public boolean hasDense(String input, String model) {
        return dense.containsKey(denseKey(input, model));
    }

    public float[] dense(String input, String model) {
        return dense.get(denseKey(input, model));
    }

    public QueryVectors with(QueryVectors more) {
        Map<String, float[]> d = new TreeMap<>(dense);
        d.putAll(more.dense);
        Map<String, float[][]> t = new TreeMap<>(tokens);
        t.putAll(more.tokens);
        Map<String, EncoderIdentity> e = new TreeMap<>(encoders);
        e.putAll(more.encoders);
        return new QueryVectors(d, t, e);
    }

    public static QueryVectors read(StreamInput in) throws IOException {
        Map<String, float[]> dense = in.readMap(StreamInput::readString, StreamInput::readFloatArray);
        Map<String, float[][]> tokens = in.readMap(StreamInput::readString, stream -> {
            float[][] rows = new float[stream.readVInt()][];
            for (int t = 0; t < rows.length; t++) {
                rows[t] = stream.readFloatArray();
            }
            return rows;
        });
        Map<String, EncoderIdentity> encoders = in.readMap(StreamInput::readString, EncoderIdentity::new);
        return new QueryVectors(dense, tokens, encoders);
    }

    public void writeTo(StreamOutput out) throws IOException {
        out.writeMap(new TreeMap<>(dense), StreamOutput::writeString, StreamOutput::writeFloatArray);
        out.writeMap(new TreeMap<>(tokens), StreamOutput::writeString, (stream, rows) -> {
            stream.writeVInt(rows.length);
            for (float[] row : rows) {
                stream.writeFloatArray(row);
            }
        });
        out.writeMap(new TreeMap<>(encoders), StreamOutput::writeString, (stream, identity) -> identity.writeTo(stream));
    }

    @Override
    public boolean equals(Object other) {
        if (other instanceof QueryVectors that) {
            return dense.keySet().equals(that.dense().keySet())
                && tokens.keySet().equals(that.tokens().keySet())
                && encoders.equals(that.encoders())
                && dense.entrySet().stream().allMatch(e -> Arrays.equals(e.getValue(), that.dense().get(e.getKey())))
                && tokens.entrySet().stream().allMatch(e -> Arrays.deepEquals(e.getValue(), that.tokens().get(e.getKey())));
        }
        return false;
    }

    @Override
    public int hashCode() {
        return Objects.hash(dense.keySet(), tokens.keySet());
    }
}

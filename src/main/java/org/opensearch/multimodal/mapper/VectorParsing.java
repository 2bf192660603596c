package org.opensearch.multimodal.mapper;

import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.core.xcontent.XContentParser.Token;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Reads vectors from documents and checks them, with errors that name the field. */
public final class VectorParsing {

    private VectorParsing() {
    }

    /** Reads one {@code [f, f, ...]} array of exactly {@code dims} finite numbers; the parser is on START_ARRAY. */
    public static float[] readVector(XContentParser parser, String field, int dims) throws IOException {
        if (parser.currentToken() != Token.START_ARRAY) {
            throw new IllegalArgumentException(
                String.format(Locale.ROOT, "field [%s] expects an array of %d numbers, got [%s]", field, dims, parser.currentToken())
            );
        }
        float[] vector = new float[dims];
        int count = 0;
        for (Token token = parser.nextToken(); token != Token.END_ARRAY; token = parser.nextToken()) {
            if (token != Token.VALUE_NUMBER) {
                throw new IllegalArgumentException(
                    String.format(
                        Locale.ROOT,
                        "field [%s] expects an array of %d numbers, found [%s] at position %d",
                        field,
                        dims,
                        token,
                        count
                    )
                );
            }
            float value = parser.floatValue();
            if (count < dims) {
                vector[count] = value;
            }
            count++;
        }
        checkVector(vector, count, field, dims);
        return vector;
    }

    /** Reads {@code [[f, ...], [f, ...]]}: at most {@code maxVectors} vectors of {@code dims} numbers each. */
    public static float[][] readVectors(XContentParser parser, String field, int dims, int maxVectors) throws IOException {
        if (parser.currentToken() != Token.START_ARRAY) {
            throw new IllegalArgumentException(
                String.format(
                    Locale.ROOT,
                    "field [%s] expects an array of vectors of %d numbers, got [%s]",
                    field,
                    dims,
                    parser.currentToken()
                )
            );
        }
        List<float[]> vectors = new ArrayList<>();
        for (Token token = parser.nextToken(); token != Token.END_ARRAY; token = parser.nextToken()) {
            if (vectors.size() == maxVectors) {
                throw tooManyVectors(field, maxVectors + 1, maxVectors);
            }
            vectors.add(readVector(parser, field, dims));
        }
        return vectors.toArray(new float[0][]);
    }

    /** A document with more than {@code maxVectors} vectors in a field. */
    static IllegalArgumentException tooManyVectors(String field, int count, int maxVectors) {
        return new IllegalArgumentException(
            String.format(
                Locale.ROOT,
                "field [%s] holds more than %d vectors (plugins.multimodal.multi_vector.max_vectors_per_document)",
                field,
                maxVectors
            )
        );
    }

    /** Checks the length and that every value is finite; {@code count} is how many values the input had. */
    public static void checkVector(float[] vector, int count, String field, int dims) {
        if (count != dims) {
            throw new IllegalArgumentException(
                String.format(Locale.ROOT, "field [%s] expects vectors of %d dims, got a vector of %d", field, dims, count)
            );
        }
        for (int i = 0; i < vector.length; i++) {
            if (Float.isFinite(vector[i]) == false) {
                throw new IllegalArgumentException(
                    String.format(
                        Locale.ROOT,
                        "field [%s] has a non-finite value [%s] at position %d; vectors must be finite numbers",
                        field,
                        vector[i],
                        i
                    )
                );
            }
        }
    }
}

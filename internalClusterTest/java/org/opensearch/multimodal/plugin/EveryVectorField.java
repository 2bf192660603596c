package org.opensearch.multimodal.plugin;

import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.xcontent.MediaTypeRegistry;
import org.opensearch.core.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * A mapping with a field of every vector type the plugin stores, and documents for it: {@code dense_vector} of each
 * similarity (one inside an object, one not indexed, one chunked), {@code multi_vector} of each encoding with {@code pool_factor} 1
 * and 2, one with its candidate index. Dense fields have 16 dims (queried by vector), token fields bge-small's 384 (queried
 * by text through the rescorer and the multi-vector retriever).
 */
final class EveryVectorField {

    static final int DIMS = 16;
    /** The multi_vector fields' dims: bge-small's, so the rescorer and the multi-vector retriever can query them. */
    static final int TOKEN_DIMS = 384;
    static final List<String> ENCODINGS = List.of("float32", "bfloat16", "int8", "binary");

    private EveryVectorField() {
    }

    /** The multi_vector fields' names: {@code tokens_<encoding>_<pool_factor>}, and {@code tokens_indexed}. */
    static List<String> multiVectorFields() {
        List<String> names = new ArrayList<>();
        for (String encoding : ENCODINGS) {
            names.add("tokens_" + encoding + "_1");
            names.add("tokens_" + encoding + "_2");
        }
        names.add("tokens_indexed");
        return names;
    }

    /** The mapping, {@code source} (e.g. {@code "_source": {...},}, or empty) before its properties. */
    static String mapping(String source) {
        StringBuilder properties = new StringBuilder();
        properties.append(String.format(Locale.ROOT, """
            "body": {"type": "text"}, "n": {"type": "long"},
            "cos": {"type": "dense_vector", "dims": %1$d, "similarity": "cosine"},
            "dot": {"type": "dense_vector", "dims": %1$d, "similarity": "dot_product"},
            "l2": {"type": "dense_vector", "dims": %1$d, "similarity": "l2_norm", "index_options": {"m": 8, "ef_construction": 50}},
            "raw": {"type": "dense_vector", "dims": %1$d, "index": false},
            "meta": {"properties": {"vec": {"type": "dense_vector", "dims": %1$d, "similarity": "cosine"}}},
            "passages": {"type": "dense_vector", "dims": %1$d, "similarity": "cosine", "chunked": true},
            "tokens_indexed": {"type": "multi_vector", "dims": %2$d, "encoding": "int8", "index": true}""", DIMS, TOKEN_DIMS));
        for (String encoding : ENCODINGS) {
            for (int poolFactor = 1; poolFactor <= 2; poolFactor++) {
                properties.append(
                    String.format(
                        Locale.ROOT,
                        ",%n\"tokens_%s_%d\": {\"type\": \"multi_vector\", \"dims\": %d, \"encoding\": \"%s\", \"pool_factor\": %d}",
                        encoding,
                        poolFactor,
                        TOKEN_DIMS,
                        encoding,
                        poolFactor
                    )
                );
            }
        }
        return "{" + source + "\"properties\": {" + properties + "}}";
    }

    /** Document {@code i} in {@code type}: every field filled with vectors drawn from {@code random}. */
    static XContentBuilder document(XContentType type, int i, Random random) throws IOException {
        XContentBuilder doc = MediaTypeRegistry.contentBuilder(type).startObject();
        doc.field("body", "document " + i + " about vectors");
        // vectors first and last, so deriving moves keys; a number between them
        doc.field("cos", vector(random));
        doc.field("n", i);
        doc.field("dot", vector(random));
        doc.field("l2", vector(random));
        doc.field("raw", vector(random));
        doc.startObject("meta").field("label", "m" + i).field("vec", vector(random)).endObject();
        // a chunked field as embed_text fills it: a vector per passage, where each passage lies in the text
        doc.startObject("passages").startArray("vectors").value(vector(random)).value(vector(random)).endArray();
        doc.startArray("offsets").value(new int[]{0, 0, 8}).value(new int[]{0, 9, 20}).endArray();
        doc.field("text_field", "body").endObject();
        for (String field : multiVectorFields()) {
            doc.startArray(field);
            for (int row = 0; row < 2 + random.nextInt(3); row++) {
                doc.value(vector(random, TOKEN_DIMS));
            }
            doc.endArray();
        }
        return doc.endObject();
    }

    static float[] vector(Random random) {
        return vector(random, DIMS);
    }

    private static float[] vector(Random random, int dims) {
        float[] vector = new float[dims];
        for (int d = 0; d < dims; d++) {
            vector[d] = random.nextFloat() * 2 - 1;
        }
        return vector;
    }
}

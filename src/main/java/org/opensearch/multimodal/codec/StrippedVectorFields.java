package org.opensearch.multimodal.codec;

import org.opensearch.common.regex.Regex;
import org.opensearch.index.mapper.DocumentMapper;
import org.opensearch.index.mapper.Mapper;
import org.opensearch.index.mapper.MapperService;
import org.opensearch.multimodal.mapper.ChunkedVectors;
import org.opensearch.multimodal.mapper.DenseVectorFieldMapper;
import org.opensearch.multimodal.mapper.MultiVectorFieldMapper;
import org.opensearch.multimodal.math.TokenEncoding;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The vector fields a segment's stored {@code _source} leaves out, and how to read each back: {@code multi_vector}
 * fields (their doc values, in their encoding and dims, given back as the packed base64 form the field accepts) and
 * indexed {@code dense_vector} fields (their HNSW vectors, given back as arrays of numbers; a chunked field's passage
 * vectors, its offsets, text field and hash staying in {@code _source}). Recorded in the segment's
 * attributes when it is written, so a segment says itself what it left out, whatever the mapping becomes.
 */
record StrippedVectorFields(List<Field> fields) {

    /** The segment attribute that lists them. */
    static final String ATTRIBUTE = "multimodal.stripped_vector_fields";
    static final StrippedVectorFields NONE = new StrippedVectorFields(List.of());
    private static final String CHUNKED = "chunked";

    /** One field: its path, and for a multi_vector field its encoding and dims (null and 0 for a dense_vector field). */
    record Field(String path, TokenEncoding encoding, int dims, boolean chunked) {

        /** A multi_vector field, {@code encoding} and {@code dims} as it stores them. */
        static Field multiVector(String path, TokenEncoding encoding, int dims) {
            return new Field(path, encoding, dims, false);
        }

        /** An indexed dense_vector field; {@code chunked}: a vector per passage, only its passages' vectors left out. */
        static Field dense(String path, boolean chunked) {
            return new Field(path, null, 0, chunked);
        }

        /** Where in {@code _source} the left-out value sits: a chunked field's {@code vectors} inside its object. */
        String sourcePath() {
            return chunked ? path + "." + ChunkedVectors.VECTORS : path;
        }

        boolean multiVector() {
            return encoding != null;
        }
    }

    /**
     * The fields of {@code mapperService}'s mapping whose values a segment written now leaves out: every multi_vector
     * and every indexed dense_vector field, except those the mapping's own {@code _source.excludes} already drops.
     */
    static StrippedVectorFields forWriting(MapperService mapperService) {
        DocumentMapper mapper = mapperService == null ? null : mapperService.documentMapper();
        if (mapper == null || mapper.sourceMapper().enabled() == false) {
            return NONE;
        }
        String[] excluded = mapper.sourceMapper().getExcludes().toArray(new String[0]);
        List<Field> fields = new ArrayList<>();
        for (Mapper field : mapper.mappers()) {
            if (Regex.simpleMatch(excluded, field.name())) {
                continue;
            }
            if (field instanceof MultiVectorFieldMapper tokens) {
                fields.add(Field.multiVector(tokens.name(), tokens.fieldType().format().encoding(), tokens.fieldType().dims()));
            } else if (field instanceof DenseVectorFieldMapper vector && vector.fieldType().isSearchable()) {
                // a chunked field keeps its offsets, text field and hash in _source; its passages' vectors are left out
                fields.add(Field.dense(vector.name(), vector.fieldType().chunked()));
            }
        }
        return fields.isEmpty() ? NONE : new StrippedVectorFields(List.copyOf(fields));
    }

    /** As a segment recorded them; none when the segment has no such attribute (written before, or not stripped). */
    static StrippedVectorFields fromAttribute(String value) {
        if (value == null || value.isEmpty()) {
            return NONE;
        }
        List<Field> fields = new ArrayList<>();
        for (String entry : value.split(";")) {
            String[] parts = entry.split("\\|");
            fields.add(
                parts.length == 1 ? Field.dense(parts[0], false)
                    : parts.length == 2 && CHUNKED.equals(parts[1]) ? Field.dense(parts[0], true)
                        : Field.multiVector(parts[0], TokenEncoding.parse(parts[1]), Integer.parseInt(parts[2]))
            );
        }
        return new StrippedVectorFields(List.copyOf(fields));
    }

    /** The union of several segments' fields (a merge's), by path. */
    static StrippedVectorFields union(List<StrippedVectorFields> all) {
        Map<String, Field> byPath = new LinkedHashMap<>();
        for (StrippedVectorFields one : all) {
            for (Field field : one.fields()) {
                byPath.putIfAbsent(field.path(), field);
            }
        }
        return byPath.isEmpty() ? NONE : new StrippedVectorFields(List.copyOf(byPath.values()));
    }

    String toAttribute() {
        List<String> entries = new ArrayList<>();
        for (Field field : fields) {
            entries.add(
                field.multiVector() ? String.format(Locale.ROOT, "%s|%s|%d", field.path(), field.encoding(), field.dims())
                    : field.chunked() ? field.path() + "|" + CHUNKED
                        : field.path()
            );
        }
        return String.join(";", entries);
    }

    boolean isEmpty() {
        return fields.isEmpty();
    }
}

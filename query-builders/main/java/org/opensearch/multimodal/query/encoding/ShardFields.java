package org.opensearch.multimodal.query.encoding;

import org.opensearch.index.mapper.MappedFieldType;
import org.opensearch.index.query.QueryShardContext;

import java.util.Locale;

/** The shard-side checks that a parameter names a field of the right type and that query vectors fit it (400s). */
public final class ShardFields {

    private ShardFields() {
    }

    /** The field {@code field} as {@code type}, or an error naming {@code parameter}: missing, or of another type. */
    public static <T extends MappedFieldType> T require(
        QueryShardContext context,
        String parameter,
        String field,
        Class<T> type,
        String typeName
    ) {
        MappedFieldType fieldType = context.fieldMapper(field);
        if (fieldType == null) {
            throw new IllegalArgumentException(
                String.format(Locale.ROOT, "[%s] field [%s] does not exist in index [%s]", parameter, field, context.index().getName())
            );
        }
        if (type.isInstance(fieldType) == false) {
            throw new IllegalArgumentException(
                String.format(Locale.ROOT, "[%s] field [%s] is of type [%s], not [%s]", parameter, field, fieldType.typeName(), typeName)
            );
        }
        return type.cast(fieldType);
    }

    /** Query token vectors that a {@code dims}-wide multi_vector field can score: present, not empty, same width. */
    public static float[][] requireTokens(float[][] tokens, int dims, String parameter, String model, String field) {
        if (tokens == null) {
            throw new IllegalStateException(
                String.format(
                    Locale.ROOT,
                    "[%s.model] the query's token vectors were not encoded with [%s] before reaching the shard",
                    parameter,
                    model
                )
            );
        }
        if (tokens.length == 0) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "[%s] [query_text] has no tokens to score with", parameter));
        }
        if (tokens[0].length != dims) {
            throw new IllegalArgumentException(
                String.format(
                    Locale.ROOT,
                    "[%s.model] model [%s] produces %d dims but field [%s] has %d",
                    parameter,
                    model,
                    tokens[0].length,
                    field,
                    dims
                )
            );
        }
        return tokens;
    }
}

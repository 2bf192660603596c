package org.opensearch.multimodal.query;

import org.opensearch.core.common.ParsingException;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.index.query.AbstractQueryBuilder;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.multimodal.query.common.BodyTokens;
import org.opensearch.multimodal.query.common.InnerQueries;
import org.opensearch.multimodal.query.fusion.FusionSpec;
import org.opensearch.multimodal.query.retriever.LikeDocument;
import org.opensearch.multimodal.query.retriever.QueryInputs;
import org.opensearch.multimodal.query.retriever.RetrieverKinds;
import org.opensearch.multimodal.query.retriever.RetrieverParams;
import org.opensearch.multimodal.query.retriever.RetrieverSpec;
import org.opensearch.multimodal.services.MultimodalServices;

import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Parses a {@code multimodal} query's body into a {@link MultimodalQueryBuilder} (as k-NN keeps its
 * {@code KNNQueryBuilderParser} apart from the builder): inputs, retrievers of the registered kinds, fusion, filter,
 * {@code k}, {@code boost} and {@code _name}; every unknown or mistyped parameter is a {@link ParsingException} naming it.
 */
final class MultimodalQueryParser {

    private MultimodalQueryParser() {
    }

    static MultimodalQueryBuilder parse(XContentParser parser, RetrieverKinds kinds, Supplier<MultimodalServices> services)
        throws IOException {
        String queryText = null;
        String queryImage = null;
        float[] queryVector = null;
        LikeDocument like = null;
        Map<String, RetrieverSpec> retrievers = new LinkedHashMap<>();
        FusionSpec fusion = null;
        QueryBuilder filter = null;
        float boost = AbstractQueryBuilder.DEFAULT_BOOST;
        String queryName = null;
        int queryK = MultimodalQueryBuilder.DEFAULT_K;
        String key = null;
        for (XContentParser.Token token = BodyTokens
            .next(parser, MultimodalQueryBuilder.NAME); token != XContentParser.Token.END_OBJECT; token = BodyTokens
                .next(parser, MultimodalQueryBuilder.NAME)) {
            if (token == XContentParser.Token.FIELD_NAME) {
                key = parser.currentName();
            } else if ("query_vector".equals(key) && token == XContentParser.Token.START_ARRAY) {
                queryVector = readQueryVector(parser);
            } else if ("retrievers".equals(key) && token == XContentParser.Token.START_OBJECT) {
                parseRetrievers(parser, kinds, retrievers);
            } else if ("filter".equals(key) && token == XContentParser.Token.START_OBJECT) {
                filter = InnerQueries.parse(parser, MultimodalQueryBuilder.NAME + ".filter");
            } else if ("like".equals(key) && token == XContentParser.Token.START_OBJECT) {
                like = LikeDocument.parse(parser);
            } else if ("fusion".equals(key) && token == XContentParser.Token.START_OBJECT) {
                fusion = FusionSpec.parse(parser);
            } else if ("query_vector".equals(key)) {
                throw new ParsingException(parser.getTokenLocation(), "[query_vector] must be an array of numbers");
            } else if (token.isValue()) {
                switch (key) {
                    case "query_text" -> queryText = parser.text();
                    case "query_image" -> queryImage = parser.text();
                    case "boost" -> boost = parser.floatValue();
                    case "k" -> queryK = parser.intValue();
                    case "_name" -> queryName = parser.text();
                    default -> throw unknown(parser, key);
                }
            } else {
                throw unknown(parser, key);
            }
        }
        try {
            QueryInputs inputs = new QueryInputs(queryText, queryImage, queryVector, like);
            if (queryK < 1 || queryK > RetrieverParams.MAX_K) {
                throw new IllegalArgumentException(
                    String.format(
                        Locale.ROOT,
                        "[%s.k] must be between 1 and %d, got [%d]",
                        MultimodalQueryBuilder.NAME,
                        RetrieverParams.MAX_K,
                        queryK
                    )
                );
            }
            return MultimodalQueryBuilder.parsed(inputs, retrievers, queryK, fusion, filter, services).boost(boost).queryName(queryName);
        } catch (IllegalArgumentException e) {
            throw new ParsingException(parser.getTokenLocation(), e.getMessage(), e);
        }
    }

    private static float[] readQueryVector(XContentParser parser) throws IOException {
        float[] values = new float[16];
        int count = 0;
        for (XContentParser.Token token = BodyTokens
            .next(parser, MultimodalQueryBuilder.NAME); token != XContentParser.Token.END_ARRAY; token = BodyTokens
                .next(parser, MultimodalQueryBuilder.NAME)) {
            if (token != XContentParser.Token.VALUE_NUMBER) {
                throw new ParsingException(parser.getTokenLocation(), "[query_vector] must be an array of numbers, found [" + token + "]");
            }
            if (count == values.length) {
                values = Arrays.copyOf(values, count * 2);
            }
            values[count++] = parser.floatValue();
        }
        if (count == 0) {
            throw new ParsingException(parser.getTokenLocation(), "[query_vector] must not be empty");
        }
        return Arrays.copyOf(values, count);
    }

    private static void parseRetrievers(XContentParser parser, RetrieverKinds kinds, Map<String, RetrieverSpec> retrievers)
        throws IOException {
        for (XContentParser.Token token = BodyTokens
            .next(parser, MultimodalQueryBuilder.NAME); token != XContentParser.Token.END_OBJECT; token = BodyTokens
                .next(parser, MultimodalQueryBuilder.NAME)) {
            String name = parser.currentName();
            if (parser.nextToken() != XContentParser.Token.START_OBJECT) {
                throw new ParsingException(
                    parser.getTokenLocation(),
                    String.format(Locale.ROOT, "[retrievers.%s] must be an object", name)
                );
            }
            if (parser.nextToken() != XContentParser.Token.FIELD_NAME) {
                throw new ParsingException(
                    parser.getTokenLocation(),
                    String.format(Locale.ROOT, "[retrievers.%s] must name its type, e.g. {\"dense\": {...}}", name)
                );
            }
            String type = parser.currentName();
            if (parser.nextToken() != XContentParser.Token.START_OBJECT) {
                throw new ParsingException(
                    parser.getTokenLocation(),
                    String.format(Locale.ROOT, "[retrievers.%s.%s] must be an object", name, type)
                );
            }
            RetrieverSpec retriever = kinds.parse(parser, name, type);
            if (parser.nextToken() != XContentParser.Token.END_OBJECT) {
                throw new ParsingException(
                    parser.getTokenLocation(),
                    String.format(Locale.ROOT, "[retrievers.%s] must have exactly one type", name)
                );
            }
            if (retrievers.put(name, retriever) != null) {
                throw new ParsingException(
                    parser.getTokenLocation(),
                    String.format(Locale.ROOT, "[retrievers] duplicate retriever name [%s]", name)
                );
            }
        }
    }

    private static ParsingException unknown(XContentParser parser, String key) {
        return new ParsingException(
            parser.getTokenLocation(),
            String.format(Locale.ROOT, "[%s] unknown parameter [%s]", MultimodalQueryBuilder.NAME, key)
        );
    }
}

package org.opensearch.multimodal.query.retriever;

import org.opensearch.core.common.ParsingException;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.XContentParser;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The retriever kinds a node's {@code multimodal} query accepts, by name: the built-in ones and any added with {@link #with}. */
public final class RetrieverKinds {

    /** {@code dense}, {@code lexical} and {@code multi_vector}. */
    public static final RetrieverKinds BUILT_IN = new RetrieverKinds(
        List.of(DenseRetriever.KIND, LexicalRetriever.KIND, MultiVectorRetriever.KIND)
    );

    private final Map<String, RetrieverKind> kinds;
    private final List<String> names;

    private RetrieverKinds(List<RetrieverKind> kinds) {
        Map<String, RetrieverKind> byType = new LinkedHashMap<>();
        for (RetrieverKind kind : kinds) {
            if (byType.put(kind.type(), kind) != null) {
                throw new IllegalArgumentException("retriever kind [" + kind.type() + "] registered twice");
            }
        }
        this.kinds = Map.copyOf(byType);
        this.names = List.copyOf(byType.keySet());
    }

    /** These kinds and {@code kind}. */
    public RetrieverKinds with(RetrieverKind kind) {
        List<RetrieverKind> all = new ArrayList<>(names.stream().map(kinds::get).toList());
        all.add(kind);
        return new RetrieverKinds(all);
    }

    /** Parses the retriever {@code name} of kind {@code type}; the parser is on the kind's START_OBJECT. */
    public RetrieverSpec parse(XContentParser parser, String name, String type) throws IOException {
        RetrieverKind kind = kinds.get(type);
        if (kind == null) {
            throw new ParsingException(
                parser.getTokenLocation(),
                String.format(Locale.ROOT, "[retrievers.%s] unknown retriever type [%s], expected one of %s", name, type, names)
            );
        }
        return kind.parser().parse(parser, name);
    }

    public RetrieverSpec read(StreamInput in) throws IOException {
        String type = in.readString();
        RetrieverKind kind = kinds.get(type);
        if (kind == null) {
            throw new IllegalStateException(String.format(Locale.ROOT, "unknown retriever type [%s], this node knows %s", type, names));
        }
        return kind.reader().read(in);
    }

    public static void write(StreamOutput out, RetrieverSpec retriever) throws IOException {
        out.writeString(retriever.type());
        retriever.writeTo(out);
    }
}

package org.opensearch.multimodal.query.retriever;

import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.xcontent.XContentParser;

import java.io.IOException;

/**
 * A kind of retriever as the {@code multimodal} query knows it: its name in the query DSL, how its object is parsed and
 * how it is read from the wire. Registered in {@link RetrieverKinds}.
 */
public record RetrieverKind(String type, Parser parser, Writeable.Reader<? extends RetrieverSpec> reader) {

    /** Parses the object after {@code "<type>":} (the parser is on its START_OBJECT) of the retriever {@code name}. */
    @FunctionalInterface
    public interface Parser {

        RetrieverSpec parse(XContentParser parser, String name) throws IOException;
    }
}

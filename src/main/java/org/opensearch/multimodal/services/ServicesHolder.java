package org.opensearch.multimodal.services;

import org.apache.lucene.util.SetOnce;

import java.util.function.Supplier;

/**
 * The node's {@link MultimodalServices}, filled once by the plugin's {@code createComponents}. OpenSearch registers
 * queries, rescorers and their stream readers before it calls {@code createComponents}, so what they capture is this
 * holder; a use before it is filled fails loudly rather than falling back on anything.
 */
public final class ServicesHolder implements Supplier<MultimodalServices> {

    private final SetOnce<MultimodalServices> services = new SetOnce<>();

    public void set(MultimodalServices value) {
        services.set(value);
    }

    /** The node's services; an {@link IllegalStateException} before {@code createComponents} has run. */
    @Override
    public MultimodalServices get() {
        MultimodalServices value = services.get();
        if (value == null) {
            throw new IllegalStateException("the multimodal plugin's services are not ready on this node (createComponents has not run)");
        }
        return value;
    }

    /** Whether {@code createComponents} has filled it. */
    public boolean isSet() {
        return services.get() != null;
    }
}

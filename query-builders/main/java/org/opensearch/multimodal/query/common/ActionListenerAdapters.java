package org.opensearch.multimodal.query.common;

import org.apache.lucene.util.SetOnce;
import org.opensearch.core.action.ActionListener;

/** Bridges a typed result into the untyped listener of a query rewrite's async action. */
public final class ActionListenerAdapters {

    private ActionListenerAdapters() {
    }

    public static <T> ActionListener<T> setting(SetOnce<T> target, ActionListener<?> rewriteListener) {
        return ActionListener.wrap(value -> {
            target.set(value);
            rewriteListener.onResponse(null);
        }, rewriteListener::onFailure);
    }
}

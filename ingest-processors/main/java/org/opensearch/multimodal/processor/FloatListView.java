package org.opensearch.multimodal.processor;

import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * A vector as the JSON-like list an ingest document expects, backed by the float array itself: boxing a 512 x 384
 * token matrix into {@code Float}s up front would cost megabytes per document.
 */
final class FloatListView extends AbstractList<Float> implements RandomAccess {

    private final float[] values;

    FloatListView(float[] values) {
        this.values = values;
    }

    @Override
    public Float get(int index) {
        return values[index];
    }

    @Override
    public int size() {
        return values.length;
    }
}

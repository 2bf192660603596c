package org.opensearch.multimodal.inference;

import java.util.ArrayList;
import java.util.List;

/** Cuts a list of inputs into consecutive batches for inference. */
public final class Batches {

    private Batches() {
    }

    /** {@code items} in order, in views of at most {@code size} each (the last may be shorter). */
    public static <T> List<List<T>> of(List<T> items, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got [" + size + "]");
        }
        List<List<T>> batches = new ArrayList<>((items.size() + size - 1) / size);
        for (int start = 0; start < items.size(); start += size) {
            batches.add(items.subList(start, Math.min(start + size, items.size())));
        }
        return batches;
    }
}

package org.opensearch.multimodal.inference;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * Runs a request's batches with at most {@link #IN_FLIGHT} of them started and not yet finished, so the images a
 * request has downloaded but not yet encoded stay bounded (at most {@code IN_FLIGHT x batch_size} images) while two
 * batches still keep two inference threads busy.
 */
public final class BatchWindow<T> {

    public static final int IN_FLIGHT = 2;

    private final List<T> batches;
    private final BiConsumer<T, Runnable> start;
    private final Runnable done;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger finished = new AtomicInteger();

    private BatchWindow(List<T> batches, BiConsumer<T, Runnable> start, Runnable done) {
        this.batches = batches;
        this.start = start;
        this.done = done;
    }

    /** Calls {@code start} for each batch with the callback it must call once that batch is done; {@code done} after the last. */
    public static <T> void run(List<T> batches, BiConsumer<T, Runnable> start, Runnable done) {
        if (batches.isEmpty()) {
            done.run();
            return;
        }
        BatchWindow<T> window = new BatchWindow<>(batches, start, done);
        for (int i = 0; i < Math.min(IN_FLIGHT, batches.size()); i++) {
            window.startNext();
        }
    }

    private void startNext() {
        int index = next.getAndIncrement();
        if (index < batches.size()) {
            start.accept(batches.get(index), this::finishedOne);
        }
    }

    private void finishedOne() {
        if (finished.incrementAndGet() == batches.size()) {
            done.run();
        } else {
            startNext();
        }
    }
}

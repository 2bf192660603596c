package org.opensearch.multimodal.inference;

import org.opensearch.test.OpenSearchTestCase;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** At most two batches of a request are started and unfinished at once; every batch runs; done comes once, last. */
public final class BatchWindowTests extends OpenSearchTestCase {

    public void testAtMostTwoBatchesAreInFlightAndDoneComesOnceAfterAll() throws Exception {
        ExecutorService workers = Executors.newFixedThreadPool(4);
        try {
            List<Integer> batches = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                batches.add(i);
            }
            AtomicInteger inFlight = new AtomicInteger();
            AtomicInteger maxInFlight = new AtomicInteger();
            AtomicInteger ran = new AtomicInteger();
            AtomicInteger doneCalls = new AtomicInteger();
            CountDownLatch done = new CountDownLatch(1);
            BatchWindow.run(batches, (batch, finished) -> {
                maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                workers.execute(() -> {
                    try {
                        Thread.sleep(randomIntBetween(0, 3));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    ran.incrementAndGet();
                    inFlight.decrementAndGet();
                    finished.run();
                });
            }, () -> {
                assertEquals("every batch ran before done", 25, ran.get());
                doneCalls.incrementAndGet();
                done.countDown();
            });
            assertTrue(done.await(30, TimeUnit.SECONDS));
            assertTrue("in flight at once: " + maxInFlight.get(), maxInFlight.get() <= BatchWindow.IN_FLIGHT);
            assertEquals(1, doneCalls.get());
        } finally {
            workers.shutdownNow();
            assertTrue(workers.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    public void testNoBatchesIsDoneAtOnce() {
        AtomicInteger done = new AtomicInteger();
        BatchWindow.run(List.of(), (batch, finished) -> fail("nothing to run"), done::incrementAndGet);
        assertEquals(1, done.get());
    }
}

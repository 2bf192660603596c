package org.opensearch.multimodal.query.common;

import org.opensearch.common.unit.TimeValue;
import org.opensearch.core.tasks.TaskCancelledException;
import org.opensearch.core.tasks.TaskId;
import org.opensearch.tasks.CancellableTask;
import org.opensearch.test.OpenSearchTestCase;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** When the query's own work stops: a cancelled task throws, a passed timeout answers true from then on, nothing else stops it. */
public final class SearchDeadlineTests extends OpenSearchTestCase {

    public static CancellableTask task() {
        return new CancellableTask(1, "transport", "indices:data/read/search", "", TaskId.EMPTY_TASK_ID, Map.of()) {

            @Override
            public boolean shouldCancelChildrenOnCancellation() {
                return true;
            }
        };
    }

    /** A deadline without a timeout that stops when {@code task} is cancelled. */
    public static SearchDeadline cancelledWith(CancellableTask task) {
        return SearchDeadline.of(task, System.nanoTime(), null, () -> {
        });
    }

    /** A deadline whose timeout passed a second ago. */
    public static SearchDeadline expired(Runnable onTimeout) {
        return SearchDeadline.of(null, System.nanoTime() - TimeValue.timeValueSeconds(2).nanos(), TimeValue.timeValueSeconds(1), onTimeout);
    }

    public void testNothingToStopForIsNoLuceneTimeoutAndNeverStops() {
        assertNull(SearchDeadline.NONE.asLuceneTimeout());
        for (int i = 0; i < 100; i++) {
            assertFalse(SearchDeadline.NONE.shouldExit());
        }
        SearchDeadline.NONE.check();
        SearchDeadline untimed = SearchDeadline.of(task(), System.nanoTime(), null, () -> {
        });
        assertSame("a task alone is something to stop for", untimed, untimed.asLuceneTimeout());
        assertFalse(untimed.stopped());
    }

    public void testACancelledTaskThrowsWhatOpenSearchThrows() {
        CancellableTask task = task();
        SearchDeadline deadline = SearchDeadline.of(task, System.nanoTime(), TimeValue.timeValueHours(1), () -> {
        });
        assertFalse(deadline.stopped());
        task.cancel("by test");
        TaskCancelledException e = expectThrows(TaskCancelledException.class, deadline::check);
        assertTrue(e.getMessage(), e.getMessage().contains("by test"));
        expectThrows(TaskCancelledException.class, deadline::shouldExit);
    }

    public void testAPassedTimeoutStopsFromThenOnAndIsRecorded() {
        AtomicInteger recorded = new AtomicInteger();
        SearchDeadline deadline = expired(recorded::incrementAndGet);
        assertFalse("not yet checked", deadline.expired());
        expectThrows(SearchDeadline.Expired.class, deadline::check);
        assertTrue(deadline.expired());
        assertTrue(deadline.shouldExit());
        deadline.markTimedOut();
        assertEquals(1, recorded.get());
    }

    public void testATimeoutNotYetPassedDoesNotStop() {
        SearchDeadline deadline = SearchDeadline.of(null, System.nanoTime(), TimeValue.timeValueHours(1), () -> {
        });
        for (int i = 0; i < 100; i++) {
            assertFalse(deadline.shouldExit());
        }
        assertFalse(deadline.expired());
    }

    public void testNegativeTimeoutMeansNone() {
        SearchDeadline deadline = SearchDeadline.of(null, System.nanoTime() - 1_000_000_000L, TimeValue.MINUS_ONE, () -> {
        });
        assertNull(deadline.asLuceneTimeout());
        assertFalse(deadline.stopped());
    }
}

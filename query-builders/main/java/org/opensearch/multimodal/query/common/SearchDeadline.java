package org.opensearch.multimodal.query.common;

import org.apache.lucene.index.QueryTimeout;
import org.apache.lucene.search.IndexSearcher;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.action.search.SearchRequest;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.tasks.TaskCancelledException;
import org.opensearch.multimodal.services.ActiveSearches;
import org.opensearch.search.SearchService;
import org.opensearch.search.internal.SearchContext;
import org.opensearch.search.query.QueryPhaseExecutionException;
import org.opensearch.tasks.CancellableTask;
import org.opensearch.tasks.Task;

/**
 * When the {@code multimodal} query's own work must stop (docs/search.md, "Timeouts and cancellation"): its task was
 * cancelled ({@code _tasks/_cancel}, search backpressure, a closed connection), which throws the
 * {@link TaskCancelledException} OpenSearch's own checks throw; or the request's {@code timeout} passed, after which
 * {@link #shouldExit()} answers true and the work stops with what it has. A Lucene {@link QueryTimeout}, so the kNN
 * searches it runs stop too. The plugin checks it per block of 64 documents, per segment of a lexical search and per
 * refinement step: a volatile read and a clock read (Lucene's kNN, which asks per graph node, reads the clock on every
 * eighth call).
 */
public final class SearchDeadline implements QueryTimeout {

    /** Nothing to stop for: no task, no timeout. */
    public static final SearchDeadline NONE = new SearchDeadline(null, 0L, false, () -> {
    });

    /** How many documents (or hits) are scored between two checks of the deadline. */
    public static final int BLOCK = 64;

    /** How many calls share one clock read: Lucene's kNN search asks once per graph node it visits. */
    private static final int CLOCK_EVERY = 8;

    private final CancellableTask task;
    private final long deadlineNanos;
    private final boolean timed;
    private final Runnable onTimeout;
    private volatile boolean expired;
    private int calls; // racy on purpose: it only spaces out clock reads

    private SearchDeadline(CancellableTask task, long deadlineNanos, boolean timed, Runnable onTimeout) {
        this.task = task;
        this.deadlineNanos = deadlineNanos;
        this.timed = timed;
        this.onTimeout = onTimeout;
    }

    /**
     * A search's deadline: cancelled with {@code task}, and {@code timeout} (null or negative: none) after
     * {@code startNanos}; {@code onTimeout} records in the search's response that it timed out.
     */
    static SearchDeadline of(CancellableTask task, long startNanos, TimeValue timeout, Runnable onTimeout) {
        boolean timed = timeout != null && timeout.nanos() >= 0;
        return new SearchDeadline(task, timed ? startNanos + timeout.nanos() : 0L, timed, onTimeout);
    }

    /**
     * The deadline of the shard search owning {@code searcher}: its task, and in the query phase its timeout, from when
     * the phase began (as OpenSearch times a shard's query phase; scrolls are not timed). A timeout is recorded as
     * OpenSearch records its own: the shard answers {@code timed_out: true}, or fails with "Time exceeded" when the
     * request does not allow partial results. {@link #NONE} for any other searcher.
     */
    public static SearchDeadline onShard(ActiveSearches searches, IndexSearcher searcher) {
        ActiveSearches.Phase phase = searches == null ? null : searches.of(searcher);
        if (phase == null) {
            return NONE;
        }
        SearchContext context = phase.context();
        TimeValue timeout = phase.query() && context.scrollContext() == null && SearchService.NO_TIMEOUT.equals(context.timeout()) == false
            ? context.timeout()
            : null;
        return of(context.getTask(), phase.startNanos(), timeout, () -> {
            if (context.request() != null && context.request().allowPartialSearchResults() == false) {
                throw new QueryPhaseExecutionException(context.shardTarget(), "Time exceeded");
            }
            context.setSearchTimedOut(true);
            context.queryResult().searchTimedOut(true);
        });
    }

    /**
     * The coordinating node's deadline for a fused search's fusion: cancelled with the search's task, and the request's
     * {@code timeout} (else {@code search.default_search_timeout}) after the search began; a shard's query phase is
     * timed on its own, from when it begins. The fused ranking carries a timeout to the shards; with
     * {@code allow_partial_search_results: false} the search fails with a 408 instead.
     */
    public static SearchDeadline onCoordinator(
        SearchTaskFilter.CoordinatingSearch search,
        SearchRequest request,
        TimeValue defaultTimeout
    ) {
        Task task = search == null ? null : search.task();
        TimeValue timeout = request.source() == null || request.source().timeout() == null ? defaultTimeout : request.source().timeout();
        long start = task == null ? System.nanoTime() : task.getStartTimeNanos();
        return of(task instanceof CancellableTask cancellable ? cancellable : null, start, timeout, () -> {
            if (Boolean.FALSE.equals(request.allowPartialSearchResults())) {
                throw new OpenSearchStatusException(
                    "Time exceeded: the multimodal query's fusion ran past the request's timeout ["
                        + timeout
                        + "] and [allow_partial_search_results] is false",
                    RestStatus.REQUEST_TIMEOUT
                );
            }
        });
    }

    /**
     * Lucene's check, asked per graph node a kNN search visits: throws when the task was cancelled; true once the
     * timeout has passed (read on every few calls).
     */
    @Override
    public boolean shouldExit() {
        return stopped(calls++ % CLOCK_EVERY == 0);
    }

    /** The plugin's own check, per block of documents or refinement step: like {@link #shouldExit()}, reading the clock. */
    public boolean stopped() {
        return stopped(true);
    }

    /** Throws when the task was cancelled, {@link Expired} once the timeout has passed. */
    public void check() {
        if (stopped()) {
            throw new Expired();
        }
    }

    private boolean stopped(boolean readClock) {
        if (task != null && task.isCancelled()) {
            throw new TaskCancelledException("cancelled task with reason: " + task.getReasonCancelled());
        }
        if (timed && expired == false && readClock && System.nanoTime() - deadlineNanos > 0) {
            expired = true;
        }
        return expired;
    }

    /** Whether the timeout has passed (as last checked). */
    public boolean expired() {
        return expired;
    }

    /** Whether there is anything to stop for: the {@link IndexSearcher#setTimeout} of the searches it runs, or none. */
    public QueryTimeout asLuceneTimeout() {
        return task == null && timed == false ? null : this;
    }

    /** Records in the search's response that it timed out (or fails it, when partial results are not allowed). */
    public void markTimedOut() {
        onTimeout.run();
    }

    /** The deadline a searcher's searches stop at, when it was given one ({@link #asLuceneTimeout}); {@link #NONE} otherwise. */
    public static SearchDeadline of(IndexSearcher searcher) {
        return searcher.getTimeout() instanceof SearchDeadline deadline ? deadline : NONE;
    }

    /** The timeout passed: the work stops where it is. */
    public static final class Expired extends RuntimeException {

        Expired() {
            super("the request's timeout passed", null, false, false);
        }
    }
}

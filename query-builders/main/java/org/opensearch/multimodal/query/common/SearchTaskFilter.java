package org.opensearch.multimodal.query.common;

import org.opensearch.action.ActionRequest;
import org.opensearch.action.search.SearchAction;
import org.opensearch.action.support.ActionFilter;
import org.opensearch.action.support.ActionFilterChain;
import org.opensearch.action.support.ActionRequestMetadata;
import org.opensearch.common.util.concurrent.ThreadContext;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.action.ActionResponse;
import org.opensearch.core.tasks.TaskId;
import org.opensearch.tasks.Task;

import java.util.List;
import java.util.function.Supplier;

/**
 * Remembers, in the thread context, the task of the search being coordinated, so the first round of a fused
 * {@code multimodal} search runs as its child: {@code _tasks} shows it under the search, and cancelling the search (or
 * search backpressure) cancels it too; and so the fusion on the coordinating node stops when the search is cancelled
 * and is timed from the search's start ({@link SearchDeadline#onCoordinator}). The query's coordinating rewrite has no
 * other way to the task.
 */
public final class SearchTaskFilter implements ActionFilter {

    /** The transient that carries the coordinating search's task. */
    static final String SEARCH_TASK = "_multimodal_search_task";

    /** The search being coordinated: its id (the first round's parent) and its task (cancelled or not, its start). */
    public record CoordinatingSearch(TaskId id, Task task) {
    }

    private final Supplier<ThreadContext> threadContext;
    private final Supplier<String> localNodeId;

    /** Both suppliers are read per request: the node fills them after the filters are built. */
    public SearchTaskFilter(Supplier<ThreadContext> threadContext, Supplier<String> localNodeId) {
        this.threadContext = threadContext;
        this.localNodeId = localNodeId;
    }

    @Override
    public int order() {
        return 0;
    }

    @Override
    public <Request extends ActionRequest, Response extends ActionResponse> void apply(
        Task task,
        String action,
        Request request,
        ActionRequestMetadata<Request, Response> metadata,
        ActionListener<Response> listener,
        ActionFilterChain<Request, Response> chain
    ) {
        ThreadContext context = threadContext.get();
        if (SearchAction.NAME.equals(action) == false || task == null || context == null) {
            chain.proceed(task, action, request, listener);
            return;
        }
        try (ThreadContext.StoredContext restore = context.newStoredContext(true, List.of(SEARCH_TASK))) {
            context.putTransient(SEARCH_TASK, new CoordinatingSearch(new TaskId(localNodeId.get(), task.getId()), task));
            chain.proceed(task, action, request, listener);
        }
    }

    /** The search being coordinated in {@code context}, or null. */
    public static CoordinatingSearch searchTask(ThreadContext context) {
        return context.getTransient(SEARCH_TASK);
    }
}

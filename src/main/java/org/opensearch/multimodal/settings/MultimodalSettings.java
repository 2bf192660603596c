package org.opensearch.multimodal.settings;

import org.opensearch.common.settings.Setting;
import org.opensearch.common.settings.Setting.Property;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.common.util.concurrent.OpenSearchExecutors;
import org.opensearch.core.common.unit.ByteSizeUnit;
import org.opensearch.core.common.unit.ByteSizeValue;
import org.opensearch.multimodal.math.TokenEncoding;

import java.util.List;
import java.util.Locale;

/** Every node setting of the plugin, under {@code plugins.multimodal.*}. */
public final class MultimodalSettings {

    /**
     * Threads that run index-time inference (the ingest processors); each inference call uses one of them, so this is
     * also the most cores ingest's inference holds at once. One more than the cores by default: while a batch's
     * documents are handed on to indexing, another batch keeps the cores busy, and ingest keeps a fair share of the CPU
     * while searches run (IngestSearchIsolationBenchmark, docs/benchmarks.md).
     */
    public static final Setting<Integer> INFERENCE_THREADS = threads("plugins.multimodal.inference.threads", 1);

    /** Index-time inference calls that may wait for a thread before new ones are rejected (429). */
    public static final Setting<Integer> INFERENCE_QUEUE_SIZE = Setting.intSetting(
        "plugins.multimodal.inference.queue_size",
        10_000,
        1,
        Property.NodeScope
    );

    /**
     * Threads that run query-time inference (the query's rewrite, the rescorer's query tokens, small {@code _embed}
     * calls), apart from index-time inference so a query never waits in a queue behind ingest batches.
     */
    public static final Setting<Integer> SEARCH_INFERENCE_THREADS = threads("plugins.multimodal.inference.search.threads", 0);

    /** Query-time inference calls that may wait for a thread before new ones are rejected (429). */
    public static final Setting<Integer> SEARCH_INFERENCE_QUEUE_SIZE = Setting.intSetting(
        "plugins.multimodal.inference.search.queue_size",
        1_000,
        1,
        Property.NodeScope
    );

    /** Where models run: {@code auto} picks CUDA when ONNX Runtime can use it, {@code cuda} falls back to CPU with a log line. */
    public static final Setting<InferenceDevice> INFERENCE_DEVICE = new Setting<>(
        "plugins.multimodal.inference.device",
        "auto",
        value -> InferenceDevice.valueOf(value.toUpperCase(Locale.ROOT)),
        Property.NodeScope
    );

    /**
     * Whether ONNX Runtime keeps a memory arena per session on CPU. On (the default), each session keeps the most its
     * calls in flight ever needed together, bounded because text calls are cut by attention size (TextModel); off,
     * each call's working memory goes back when it ends, at about a third of ingest's speed lost to allocating it
     * again (measured: docs/benchmarks.md, "Overload soak").
     */
    public static final Setting<Boolean> INFERENCE_CPU_MEMORY_ARENA = Setting.boolSetting(
        "plugins.multimodal.inference.cpu_memory_arena",
        true,
        Property.NodeScope
    );

    /** Most token vectors one document may store in a multi_vector field. */
    public static final Setting<Integer> MAX_VECTORS_PER_DOCUMENT = Setting.intSetting(
        "plugins.multimodal.multi_vector.max_vectors_per_document",
        1024,
        1,
        65_536,
        Property.NodeScope
    );

    /** Whether the stats API's counters are kept (dynamic): off, every counter stands still. */
    public static final Setting<Boolean> STATS_ENABLED = Setting.boolSetting(
        "plugins.multimodal.stats.enabled",
        true,
        Property.NodeScope,
        Property.Dynamic
    );

    /**
     * How often each node samples its stats into the history that the stats API returns with {@code ?history=true} (the
     * operations page's charts).
     */
    public static final Setting<TimeValue> STATS_HISTORY_INTERVAL = Setting.timeSetting(
        "plugins.multimodal.stats.history.interval",
        TimeValue.timeValueSeconds(10),
        TimeValue.timeValueSeconds(1),
        Property.NodeScope
    );

    /** How many samples of its stats each node keeps (360 at 10 s: the last hour); 0 keeps none. */
    public static final Setting<Integer> STATS_HISTORY_SIZE = Setting.intSetting(
        "plugins.multimodal.stats.history.size",
        360,
        0,
        10_000,
        Property.NodeScope
    );

    /** Most texts one {@code _embed} request may carry. */
    public static final Setting<Integer> EMBED_MAX_TEXTS = Setting.intSetting(
        "plugins.multimodal.embed.max_texts",
        256,
        1,
        10_000,
        Property.NodeScope,
        Property.Dynamic
    );

    /** The name of the plugin's circuit breaker, as {@code _nodes/stats/breaker} lists it. */
    public static final String BREAKER_NAME = "multimodal";

    /**
     * The limit of the {@code multimodal} circuit breaker: the memory every request on the node together may hold in
     * the plugin's hands (token vectors produced by ingest and {@code _embed}); a request past it is refused with a 429
     * naming the breaker. It counts toward the parent breaker as OpenSearch's own breakers do. Read at node start.
     */
    public static final Setting<ByteSizeValue> BREAKER_LIMIT = Setting.memorySizeSetting(
        "plugins.multimodal.breaker.limit",
        "25%",
        Property.NodeScope
    );

    /**
     * Token vectors (late interaction) are large: 384 floats a token, as arrays and again as JSON in the document. One
     * bulk or {@code _embed} request may produce at most this many (estimated) bytes of them on a node; past it the
     * remaining documents fail with a 429 and the request's other documents are indexed.
     */
    public static final Setting<ByteSizeValue> TOKEN_VECTOR_BYTES_PER_REQUEST = Setting.memorySizeSetting(
        "plugins.multimodal.token_vectors.max_bytes_per_request",
        "10%",
        Property.NodeScope,
        Property.Dynamic
    );

    /** Most encoded bytes of one image (any source). */
    public static final Setting<ByteSizeValue> IMAGE_MAX_BYTES = Setting.byteSizeSetting(
        "plugins.multimodal.image.max_bytes",
        new ByteSizeValue(10, ByteSizeUnit.MB),
        new ByteSizeValue(1, ByteSizeUnit.KB),
        new ByteSizeValue(100, ByteSizeUnit.MB),
        Property.NodeScope
    );

    /** Most pixels (width x height) of one image, read from its header before decoding. */
    public static final Setting<Long> IMAGE_MAX_PIXELS = Setting.longSetting(
        "plugins.multimodal.image.max_pixels",
        16_777_216L,
        1L,
        Property.NodeScope
    );

    public static final Setting<TimeValue> IMAGE_URL_CONNECT_TIMEOUT = Setting.positiveTimeSetting(
        "plugins.multimodal.image.url.connect_timeout",
        TimeValue.timeValueSeconds(5),
        Property.NodeScope
    );

    /** Deadline for an image download after connecting, body included. */
    public static final Setting<TimeValue> IMAGE_URL_READ_TIMEOUT = Setting.positiveTimeSetting(
        "plugins.multimodal.image.url.read_timeout",
        TimeValue.timeValueSeconds(10),
        Property.NodeScope
    );

    public static final Setting<Integer> IMAGE_URL_MAX_REDIRECTS = Setting.intSetting(
        "plugins.multimodal.image.url.max_redirects",
        3,
        0,
        10,
        Property.NodeScope
    );

    /** Image downloads a node runs at once; the others wait in a queue, not on a thread. */
    public static final Setting<Integer> IMAGE_URL_MAX_CONCURRENT = Setting.intSetting(
        "plugins.multimodal.image.url.max_concurrent",
        16,
        1,
        1024,
        Property.NodeScope
    );

    /**
     * Hosts (names or addresses) image URLs may reach even when they resolve to loopback, private or link-local
     * addresses. Empty by default: such addresses are refused.
     */
    public static final Setting<List<String>> IMAGE_URL_ALLOWED_HOSTS = Setting.listSetting(
        "plugins.multimodal.image.url.allowed_hosts",
        List.of(),
        s -> s,
        Property.NodeScope
    );

    /** Directories image file paths may point into. Empty by default: file paths are refused. */
    public static final Setting<List<String>> IMAGE_FILE_ALLOWED_DIRS = Setting.listSetting(
        "plugins.multimodal.image.file.allowed_dirs",
        List.of(),
        s -> s,
        Property.NodeScope
    );

    /**
     * Index setting: vector fields ({@code multi_vector}, and indexed {@code dense_vector}) are left out of the stored
     * {@code _source} and put back from their own data whenever {@code _source} is read, as OpenSearch k-NN's derived
     * source does. Fixed at index creation; on, the index's segments need the plugin to be read.
     */
    public static final Setting<Boolean> DERIVED_VECTOR_SOURCE = Setting.boolSetting(
        "index.multimodal.derived_vector_source",
        true,
        Property.IndexScope,
        Property.Final
    );

    /**
     * Index setting: the encoding of a {@code multi_vector} field whose mapping names none. Unset, it is float32: what
     * indices created before it existed were mapped under, so their mappings keep their meaning. Every new index gets
     * {@link #NEW_INDEX_MULTI_VECTOR_ENCODING} ({@link NewIndexDefaults}) unless its request or template sets it. Fixed at
     * index creation.
     */
    public static final Setting<TokenEncoding> MULTI_VECTOR_DEFAULT_ENCODING = new Setting<>(
        "index.multimodal.multi_vector.default_encoding",
        TokenEncoding.FLOAT32.toString(),
        TokenEncoding::parse,
        Property.IndexScope,
        Property.Final
    );

    /**
     * What a new index's {@code multi_vector} fields default to: int8 keeps a quarter of float32's bytes for about 0.001
     * nDCG@10 (docs/benchmarks.md, "Compact token vectors"), so a 1 GB node holds normal bulks and searches (issue 21).
     */
    public static final TokenEncoding NEW_INDEX_MULTI_VECTOR_ENCODING = TokenEncoding.INT8;

    /** The thread pool of index-time inference. */
    public static final String INFERENCE_THREAD_POOL = "multimodal_inference";
    /** The thread pool of query-time inference. */
    public static final String SEARCH_INFERENCE_THREAD_POOL = "multimodal_search_inference";

    private MultimodalSettings() {
    }

    /** A pool's thread count, 1 to 64: unless set, the node's allocated processors plus {@code extra}. */
    private static Setting<Integer> threads(String key, int extra) {
        return new Setting<>(
            key,
            s -> Integer.toString(OpenSearchExecutors.allocatedProcessors(s) + extra),
            s -> Setting.parseInt(s, 1, 64, key),
            Property.NodeScope
        );
    }

    public static List<Setting<?>> all() {
        return List.of(
            INFERENCE_THREADS,
            INFERENCE_QUEUE_SIZE,
            SEARCH_INFERENCE_THREADS,
            SEARCH_INFERENCE_QUEUE_SIZE,
            INFERENCE_DEVICE,
            INFERENCE_CPU_MEMORY_ARENA,
            MAX_VECTORS_PER_DOCUMENT,
            EMBED_MAX_TEXTS,
            STATS_ENABLED,
            STATS_HISTORY_INTERVAL,
            STATS_HISTORY_SIZE,
            TOKEN_VECTOR_BYTES_PER_REQUEST,
            BREAKER_LIMIT,
            IMAGE_MAX_BYTES,
            IMAGE_MAX_PIXELS,
            IMAGE_URL_CONNECT_TIMEOUT,
            IMAGE_URL_READ_TIMEOUT,
            IMAGE_URL_MAX_REDIRECTS,
            IMAGE_URL_MAX_CONCURRENT,
            IMAGE_URL_ALLOWED_HOSTS,
            IMAGE_FILE_ALLOWED_DIRS,
            DERIVED_VECTOR_SOURCE,
            MULTI_VECTOR_DEFAULT_ENCODING
        );
    }
}

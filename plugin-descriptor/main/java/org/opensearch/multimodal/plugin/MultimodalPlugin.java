package org.opensearch.multimodal.plugin;

import org.apache.lucene.util.SetOnce;
import org.opensearch.action.ActionRequest;
import org.opensearch.action.support.ActionFilter;
import org.opensearch.cluster.metadata.IndexNameExpressionResolver;
import org.opensearch.cluster.node.DiscoveryNodes;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.inject.Module;
import org.opensearch.common.lifecycle.LifecycleComponent;
import org.opensearch.common.settings.ClusterSettings;
import org.opensearch.common.settings.IndexScopedSettings;
import org.opensearch.common.settings.Setting;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.settings.SettingsFilter;
import org.opensearch.core.action.ActionResponse;
import org.opensearch.core.common.breaker.CircuitBreaker;
import org.opensearch.core.common.breaker.NoopCircuitBreaker;
import org.opensearch.core.common.io.stream.NamedWriteableRegistry;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.env.Environment;
import org.opensearch.env.NodeEnvironment;
import org.opensearch.index.IndexModule;
import org.opensearch.index.IndexSettings;
import org.opensearch.index.codec.CodecServiceFactory;
import org.opensearch.index.mapper.Mapper;
import org.opensearch.index.shard.IndexSettingProvider;
import org.opensearch.indices.breaker.BreakerSettings;
import org.opensearch.ingest.Processor;
import org.opensearch.multimodal.codec.DerivedSourceIndexingListener;
import org.opensearch.multimodal.codec.VectorFieldCodecService;
import org.opensearch.multimodal.image.ImageInputs;
import org.opensearch.multimodal.inference.InferenceService;
import org.opensearch.multimodal.inference.Workload;
import org.opensearch.multimodal.mapper.DenseVectorFieldMapper;
import org.opensearch.multimodal.mapper.MultiVectorFieldMapper;
import org.opensearch.multimodal.memory.RequestLimits;
import org.opensearch.multimodal.model.ModelRegistry;
import org.opensearch.multimodal.model.NativeLibraries;
import org.opensearch.multimodal.model.OnnxSessions;
import org.opensearch.multimodal.monitor.StatsHistoryService;
import org.opensearch.multimodal.processor.EmbedImageProcessor;
import org.opensearch.multimodal.processor.EmbedImageProcessorFactory;
import org.opensearch.multimodal.processor.EmbedProductProcessor;
import org.opensearch.multimodal.processor.EmbedProductProcessorFactory;
import org.opensearch.multimodal.processor.EmbedTextProcessor;
import org.opensearch.multimodal.processor.EmbedTextProcessorFactory;
import org.opensearch.multimodal.processor.FieldModelGuard;
import org.opensearch.multimodal.processor.TargetMappings;
import org.opensearch.multimodal.query.HitScoresFetchSubPhase;
import org.opensearch.multimodal.query.MultimodalQueryBuilder;
import org.opensearch.multimodal.query.common.SearchTaskFilter;
import org.opensearch.multimodal.query.fusion.GatheredPool;
import org.opensearch.multimodal.query.fusion.PoolGatheringAggregationBuilder;
import org.opensearch.multimodal.query.highlight.BestPassageHighlighter;
import org.opensearch.multimodal.query.rescore.LateInteractionRescorerBuilder;
import org.opensearch.multimodal.query.retriever.RetrieverKinds;
import org.opensearch.multimodal.rest.EmbedAction;
import org.opensearch.multimodal.rest.ListModelsAction;
import org.opensearch.multimodal.rest.LoadModelAction;
import org.opensearch.multimodal.rest.RestCatModelsAction;
import org.opensearch.multimodal.rest.RestEmbedAction;
import org.opensearch.multimodal.rest.RestListModelsAction;
import org.opensearch.multimodal.rest.RestModelLifecycleAction;
import org.opensearch.multimodal.rest.RestPagesAction;
import org.opensearch.multimodal.rest.RestStatsAction;
import org.opensearch.multimodal.rest.StatsAction;
import org.opensearch.multimodal.rest.TransportEmbedAction;
import org.opensearch.multimodal.rest.TransportModelsAction;
import org.opensearch.multimodal.rest.TransportStatsAction;
import org.opensearch.multimodal.rest.UnloadModelAction;
import org.opensearch.multimodal.services.ActiveSearches;
import org.opensearch.multimodal.services.MultimodalServices;
import org.opensearch.multimodal.services.ServicesHolder;
import org.opensearch.multimodal.settings.MultimodalSettings;
import org.opensearch.multimodal.settings.NewIndexDefaults;
import org.opensearch.plugins.ActionPlugin;
import org.opensearch.plugins.CircuitBreakerPlugin;
import org.opensearch.plugins.EnginePlugin;
import org.opensearch.plugins.IngestPlugin;
import org.opensearch.plugins.MapperPlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.plugins.SearchPlugin;
import org.opensearch.repositories.RepositoriesService;
import org.opensearch.rest.RestController;
import org.opensearch.rest.RestHandler;
import org.opensearch.script.ScriptService;
import org.opensearch.search.fetch.FetchSubPhase;
import org.opensearch.search.fetch.subphase.highlight.Highlighter;
import org.opensearch.threadpool.ExecutorBuilder;
import org.opensearch.threadpool.FixedExecutorBuilder;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.client.Client;
import org.opensearch.watcher.ResourceWatcherService;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;

/** The entry point OpenSearch loads: wires the model runtime into ingest, mappings, search and REST. */
public class MultimodalPlugin extends Plugin
    implements
        ActionPlugin,
        CircuitBreakerPlugin,
        EnginePlugin,
        IngestPlugin,
        MapperPlugin,
        SearchPlugin {

    /** The name the plugin is installed under, and its directory in {@code plugins/}. */
    public static final String PLUGIN_NAME = "opensearch-multimodal";

    private final Settings settings;
    /** Filled by createComponents; what the queries, rescorers, processors and handlers registered before it capture. */
    private final ServicesHolder services = new ServicesHolder();
    /** The shard searches in progress, for the query's and the rescorer's timeout and cancellation checks. */
    private final ActiveSearches activeSearches = new ActiveSearches();

    /** The node's thread pool and cluster service, for the search task filter, which the node builds before them. */
    private final SetOnce<ThreadPool> threadContext = new SetOnce<>();
    private final SetOnce<ClusterService> clusterServiceRef = new SetOnce<>();

    /** The node's {@code multimodal} breaker, set by the node before createComponents. */
    private volatile CircuitBreaker breaker = new NoopCircuitBreaker(MultimodalSettings.BREAKER_NAME);

    public MultimodalPlugin(Settings settings) {
        this.settings = settings;
    }

    /**
     * The plugin's own circuit breaker: the memory requests hold in the plugin's hands (token vectors) is charged to it,
     * so {@code _nodes/stats/breaker} shows it and the parent breaker counts it.
     */
    @Override
    public BreakerSettings getCircuitBreaker(Settings settings) {
        return new BreakerSettings(
            MultimodalSettings.BREAKER_NAME,
            MultimodalSettings.BREAKER_LIMIT.get(settings).getBytes(),
            1.0,
            CircuitBreaker.Type.MEMORY,
            CircuitBreaker.Durability.TRANSIENT
        );
    }

    @Override
    public void setCircuitBreaker(CircuitBreaker circuitBreaker) {
        this.breaker = circuitBreaker;
    }

    @Override
    public List<Setting<?>> getSettings() {
        return MultimodalSettings.all();
    }

    /**
     * Every index tells the plugin which shard searches are in their query or fetch phase ({@link ActiveSearches}); an
     * index whose segments the plugin writes hands its translog the derived source ({@link DerivedSourceIndexingListener}).
     */
    @Override
    public void onIndexModule(IndexModule indexModule) {
        indexModule.addSearchOperationListener(activeSearches);
        if (writesSegments(indexModule.getSettings())) {
            DerivedSourceIndexingListener derivedSource = new DerivedSourceIndexingListener();
            indexModule.addIndexEventListener(derivedSource);
            indexModule.addIndexOperationListener(derivedSource);
        }
    }

    /** New indices get the plugin's current defaults as index settings (see {@link NewIndexDefaults}). */
    @Override
    public Collection<IndexSettingProvider> getAdditionalIndexSettingProviders() {
        return List.of(new NewIndexDefaults());
    }

    /** Index-time and query-time inference each get a pool of their own (see {@link Workload}). */
    @Override
    public List<ExecutorBuilder<?>> getExecutorBuilders(Settings nodeSettings) {
        return List.of(
            inferencePool(nodeSettings, Workload.INDEX, MultimodalSettings.INFERENCE_THREADS, MultimodalSettings.INFERENCE_QUEUE_SIZE),
            inferencePool(
                nodeSettings,
                Workload.SEARCH,
                MultimodalSettings.SEARCH_INFERENCE_THREADS,
                MultimodalSettings.SEARCH_INFERENCE_QUEUE_SIZE
            )
        );
    }

    private static ExecutorBuilder<?> inferencePool(
        Settings nodeSettings,
        Workload workload,
        Setting<Integer> threads,
        Setting<Integer> queueSize
    ) {
        String name = workload.threadPool();
        return new FixedExecutorBuilder(nodeSettings, name, threads.get(nodeSettings), queueSize.get(nodeSettings), "thread_pool." + name);
    }

    @Override
    public Collection<Object> createComponents(
        Client client,
        ClusterService clusterService,
        ThreadPool threadPool,
        ResourceWatcherService resourceWatcherService,
        ScriptService scriptService,
        NamedXContentRegistry xContentRegistry,
        Environment environment,
        NodeEnvironment nodeEnvironment,
        NamedWriteableRegistry namedWriteableRegistry,
        IndexNameExpressionResolver indexNameExpressionResolver,
        Supplier<RepositoriesService> repositoriesServiceSupplier
    ) {
        NativeLibraries.configure(environment.tmpDir());
        this.threadContext.set(threadPool);
        this.clusterServiceRef.set(clusterService);
        ModelRegistry models = new ModelRegistry(
            modelRoots(environment),
            new OnnxSessions(MultimodalSettings.INFERENCE_DEVICE.get(settings), MultimodalSettings.INFERENCE_CPU_MEMORY_ARENA.get(settings))
        );
        Map<Workload, ExecutorService> pools = new EnumMap<>(Workload.class);
        for (Workload workload : Workload.values()) {
            pools.put(workload, threadPool.executor(workload.threadPool()));
        }
        InferenceService inference = new InferenceService(models, pools);
        inference.stats().setEnabled(MultimodalSettings.STATS_ENABLED.get(environment.settings()));
        clusterService.getClusterSettings().addSettingsUpdateConsumer(MultimodalSettings.STATS_ENABLED, inference.stats()::setEnabled);
        RequestLimits limits = new RequestLimits(environment.settings(), clusterService.getClusterSettings(), breaker);
        ImageInputs images = new ImageInputs(
            environment.settings(),
            environment,
            threadPool.executor(ThreadPool.Names.GENERIC),
            threadPool.scheduler(),
            breaker
        );
        MultimodalServices node = new MultimodalServices(clusterService.getNodeName(), inference, images, limits, activeSearches);
        services.set(node);
        // bound for injection into the transport actions
        return List.of(node, models, inference, limits, images);
    }

    /**
     * The stats history needs the node's {@code CircuitBreakerService}, which only the node's injector has: it is bound
     * here as one instance per node (the stats action gets the same one) and started and stopped with the node.
     */
    @Override
    public Collection<Module> createGuiceModules() {
        return List.of(binder -> binder.bind(StatsHistoryService.class).asEagerSingleton());
    }

    @Override
    public Collection<Class<? extends LifecycleComponent>> getGuiceServiceClasses() {
        return List.of(StatsHistoryService.class);
    }

    /** Built-in models ship in the plugin's directory; operators add or override models in the node's config directory. */
    static List<Path> modelRoots(Environment environment) {
        List<Path> roots = new ArrayList<>();
        roots.add(environment.pluginsDir().resolve(PLUGIN_NAME).resolve("models"));
        roots.add(environment.configDir().resolve("multimodal").resolve("models"));
        return roots;
    }

    @Override
    public Map<String, Processor.Factory> getProcessors(Processor.Parameters parameters) {
        TargetMappings mappings = new TargetMappings(parameters.ingestService.getClusterService());
        FieldModelGuard guard = new FieldModelGuard(mappings, parameters.client, parameters.threadContext);
        return Map.of(
            EmbedTextProcessor.TYPE,
            new EmbedTextProcessorFactory(() -> services.get().inference(), () -> services.get().limits(), guard),
            EmbedImageProcessor.TYPE,
            new EmbedImageProcessorFactory(
                () -> services.get().inference(),
                () -> services.get().images(),
                () -> services.get().limits(),
                guard
            ),
            EmbedProductProcessor.TYPE,
            new EmbedProductProcessorFactory(() -> services.get().inference(), () -> services.get().images())
        );
    }

    @Override
    public Map<String, Mapper.TypeParser> getMappers() {
        return Map.of(
            DenseVectorFieldMapper.CONTENT_TYPE,
            DenseVectorFieldMapper.PARSER,
            MultiVectorFieldMapper.CONTENT_TYPE,
            MultiVectorFieldMapper.parser(MultimodalSettings.MAX_VECTORS_PER_DOCUMENT.get(settings))
        );
    }

    /**
     * Builds each dense_vector field's HNSW graph with its own index_options. Indices of the k-NN plugin
     * ({@code index.knn: true}) are left to it: only one plugin may supply an index's codecs.
     */
    @Override
    public Optional<CodecServiceFactory> getCustomCodecServiceFactory(IndexSettings indexSettings) {
        return writesSegments(indexSettings.getSettings()) ? Optional.of(VectorFieldCodecService::new) : Optional.empty();
    }

    private static boolean writesSegments(Settings indexSettings) {
        return indexSettings.getAsBoolean("index.knn", false) == false;
    }

    @Override
    public List<QuerySpec<?>> getQueries() {
        RetrieverKinds kinds = retrieverKinds();
        return List.of(
            new QuerySpec<>(
                MultimodalQueryBuilder.NAME,
                MultimodalQueryBuilder.reader(kinds, services),
                MultimodalQueryBuilder.parser(kinds, services)
            )
        );
    }

    /** The retriever kinds the {@code multimodal} query accepts; a plugin built on this one may add its own. */
    protected RetrieverKinds retrieverKinds() {
        return RetrieverKinds.BUILT_IN;
    }

    /** The first round of a fused multimodal search gathers the shards' pools as an aggregation (docs/search.md). */
    @Override
    public List<AggregationSpec> getAggregations() {
        return List.of(
            new AggregationSpec(
                PoolGatheringAggregationBuilder.NAME,
                PoolGatheringAggregationBuilder::new,
                PoolGatheringAggregationBuilder::parse
            ).addResultReader(GatheredPool::new)
        );
    }

    /** {@code passage}: a hit's best passages of a chunked dense_vector field, for the query that searched it. */
    @Override
    public Map<String, Highlighter> getHighlighters() {
        return Map.of(BestPassageHighlighter.NAME, new BestPassageHighlighter());
    }

    /** Each hit of a fused multimodal query carries its structured scores. */
    @Override
    public List<FetchSubPhase> getFetchSubPhases(FetchPhaseConstructionContext context) {
        return List.of(new HitScoresFetchSubPhase());
    }

    /** So a fused search's first round runs as a child of the search's task. */
    @Override
    public List<ActionFilter> getActionFilters() {
        return List.of(
            new SearchTaskFilter(
                () -> threadContext.get() == null ? null : threadContext.get().getThreadContext(),
                () -> clusterServiceRef.get().localNode().getId()
            )
        );
    }

    @Override
    public List<RescorerSpec<?>> getRescorers() {
        return List.of(
            new RescorerSpec<>(
                LateInteractionRescorerBuilder.PARSE_FIELD,
                LateInteractionRescorerBuilder.reader(services),
                LateInteractionRescorerBuilder.parser(services)
            )
        );
    }

    @Override
    public List<RestHandler> getRestHandlers(
        Settings nodeSettings,
        RestController restController,
        ClusterSettings clusterSettings,
        IndexScopedSettings indexScopedSettings,
        SettingsFilter settingsFilter,
        IndexNameExpressionResolver indexNameExpressionResolver,
        Supplier<DiscoveryNodes> nodesInCluster
    ) {
        return List.of(
            new RestListModelsAction(),
            new RestModelLifecycleAction(),
            new RestStatsAction(),
            new RestCatModelsAction(),
            new RestEmbedAction(() -> services.get().limits()),
            new RestPagesAction()
        );
    }

    @Override
    public List<ActionHandler<? extends ActionRequest, ? extends ActionResponse>> getActions() {
        return List.of(
            new ActionHandler<>(ListModelsAction.INSTANCE, TransportModelsAction.ListModels.class),
            new ActionHandler<>(LoadModelAction.INSTANCE, TransportModelsAction.Load.class),
            new ActionHandler<>(UnloadModelAction.INSTANCE, TransportModelsAction.Unload.class),
            new ActionHandler<>(StatsAction.INSTANCE, TransportStatsAction.class),
            new ActionHandler<>(EmbedAction.INSTANCE, TransportEmbedAction.class)
        );
    }

    @Override
    public void close() throws IOException {
        if (services.isSet()) {
            services.get().registry().close();
            services.get().images().close();
        }
    }
}

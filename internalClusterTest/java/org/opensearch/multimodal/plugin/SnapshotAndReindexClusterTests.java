package org.opensearch.multimodal.plugin;

import org.opensearch.action.admin.cluster.snapshots.create.CreateSnapshotResponse;
import org.opensearch.action.admin.cluster.snapshots.restore.RestoreSnapshotResponse;
import org.opensearch.action.search.SearchRequestBuilder;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.action.search.SearchType;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.xcontent.XContentHelper;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.index.reindex.ReindexAction;
import org.opensearch.index.reindex.ReindexModulePlugin;
import org.opensearch.index.reindex.ReindexRequestBuilder;
import org.opensearch.multimodal.model.BuiltinModels;
import org.opensearch.multimodal.query.rescore.LateInteractionRescorerBuilder;
import org.opensearch.multimodal.query.rescore.LateInteractionScoreMode;
import org.opensearch.plugins.Plugin;
import org.opensearch.search.SearchHit;
import org.opensearch.snapshots.SnapshotState;
import org.opensearch.test.OpenSearchIntegTestCase;

import static org.opensearch.action.support.WriteRequest.RefreshPolicy.IMMEDIATE;
import static org.opensearch.test.hamcrest.OpenSearchAssertions.assertAcked;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Indices with a field of every vector type, encoding and {@code pool_factor} and the multi-vector candidate index
 * ({@link EveryVectorField}), with derived vector source on and off, kept whole by a snapshot and its restore and by
 * {@code _reindex} into another shard count: every document's {@code _source} (vectors as the fields give them back)
 * and the same ranking of vector, rescored and candidate-index requests. And backward compatibility as Lucene tests
 * it: a snapshot repository written by an earlier build, zipped under the test resources ({@value #BWC_RESOURCE}),
 * restores in this build with the same documents and answers it recorded. {@code -Dtests.bwc.write=DIR} writes that
 * zip from this build (docs/operations.md, "Upgrades").
 */
@OpenSearchIntegTestCase.ClusterScope(scope = OpenSearchIntegTestCase.Scope.TEST, numDataNodes = 2, numClientNodes = 0)
public class SnapshotAndReindexClusterTests extends BgeClusterTestCase {

    static final String BWC_RESOURCE = "/bwc/snapshot-3.8.0.0.zip";
    private static final List<String> INDICES = List.of("derived_on", "derived_off");
    private static final int DOCS = 12;
    private static final String MODEL = BuiltinModels.BGE_SMALL;
    private static final List<String> QUERY_TEXTS = List.of("vectors of every kind", "a document about numbers", "snapshots");

    private Path repositories;

    @Override
    protected Collection<Class<? extends Plugin>> nodePlugins() {
        return List.of(MultimodalPlugin.class, ReindexModulePlugin.class);
    }

    @Override
    protected Settings nodeSettings(int nodeOrdinal) {
        if (repositories == null) {
            repositories = createTempDir("repositories");
        }
        return Settings.builder().put(super.nodeSettings(nodeOrdinal)).put("path.repo", repositories.toString()).build();
    }

    /** An index of {@link EveryVectorField}'s mapping: {@code shards} shards, no replica, derived vector source on or off. */
    private void createIndex(String name, int shards, boolean derived) {
        Map<String, Object> settings = Map.of(
            "index.number_of_shards",
            shards,
            "index.number_of_replicas",
            0,
            "index.codec",
            "default",
            "index.multimodal.derived_vector_source",
            derived
        );
        assertAcked(prepareCreate(name).setSettings(settings).setMapping(EveryVectorField.mapping("")));
    }

    private void createAndFill() throws IOException {
        for (String index : INDICES) {
            createIndex(index, 2, index.equals("derived_on"));
            Random random = new Random(42);
            for (int i = 0; i < DOCS; i++) {
                XContentType type = i % 3 == 0 ? XContentType.SMILE : XContentType.JSON;
                client().prepareIndex(index).setId(Integer.toString(i)).setSource(EveryVectorField.document(type, i, random)).get();
            }
            refresh(index);
            client().admin().indices().prepareFlush(index).setForce(true).setWaitIfOngoing(true).get();
        }
    }

    public void testSnapshotAndRestoreKeepEveryVectorAndEveryAnswer() throws Exception {
        createAndFill();
        Map<String, Object> before = state(INDICES);
        assertAcked(
            client().admin()
                .cluster()
                .preparePutRepository("repo")
                .setType("fs")
                .setSettings(Settings.builder().put("location", repositories.resolve("repo")))
        );
        CreateSnapshotResponse snapshot = client().admin()
            .cluster()
            .prepareCreateSnapshot("repo", "vectors")
            .setIndices(INDICES.toArray(String[]::new))
            .setWaitForCompletion(true)
            .get();
        assertEquals(SnapshotState.SUCCESS, snapshot.getSnapshotInfo().state());
        String bwcOut = System.getProperty("tests.bwc.write");
        if (bwcOut != null && bwcOut.isEmpty() == false) {
            writeBwcZip(repositories.resolve("repo"), before, Path.of(bwcOut).resolve(Path.of(BWC_RESOURCE).getFileName().toString()));
        }
        for (String index : INDICES) {
            assertAcked(client().admin().indices().prepareDelete(index));
        }
        restore("repo", "vectors");
        assertSameState("every document and every answer, after a snapshot and its restore", before, state(INDICES));
    }

    public void testReindexIntoAnotherShardCountKeepsEveryVectorAndAnswer() throws Exception {
        createAndFill();
        for (String index : INDICES) {
            String copy = index + "_copy";
            createIndex(copy, 3, index.equals("derived_on"));
            new ReindexRequestBuilder(client(), ReindexAction.INSTANCE).source(index).destination(copy).refresh(true).get();
            Map<String, Object> original = state(List.of(index));
            Map<String, Object> copied = state(List.of(copy));
            assertSameState(index + " reindexed into 3 shards: the same vectors and answers", original.get(index), copied.get(copy));
        }
    }

    public void testASnapshotWrittenByAnEarlierBuildRestoresWithTheSameDocumentsAndAnswers() throws Exception {
        Path repo = repositories.resolve("bwc");
        Map<String, Object> recorded;
        try (InputStream zip = getClass().getResourceAsStream(BWC_RESOURCE)) {
            assertNotNull("the zipped repository " + BWC_RESOURCE + " is under the test resources", zip);
            recorded = unzip(zip, repo);
        }
        assertAcked(
            client().admin()
                .cluster()
                .preparePutRepository("bwc")
                .setType("fs")
                .setSettings(Settings.builder().put("location", repo).put("readonly", true))
        );
        restore("bwc", "vectors");
        assertSameState("the documents and answers the earlier build recorded", recorded, state(INDICES));
        // merged with a segment of this build (a document without vectors, indexed, merged, then deleted), its segments
        // are written again in this build's layout (Multimodal104 -> Multimodal105, the source in files of its own)
        for (String index : INDICES) {
            client().prepareIndex(index).setId("transient").setSource(Map.of()).setRefreshPolicy(IMMEDIATE).get();
            assertEquals(0, client().admin().indices().prepareForceMerge(index).setMaxNumSegments(1).get().getFailedShards());
            client().prepareDelete(index, "transient").setRefreshPolicy(IMMEDIATE).get();
        }
        assertSameState("the recorded documents and answers after a merge into this build's layout", recorded, state(INDICES));
    }

    private void restore(String repository, String snapshot) {
        RestoreSnapshotResponse restored = client().admin()
            .cluster()
            .prepareRestoreSnapshot(repository, snapshot)
            .setIndices(INDICES.toArray(String[]::new))
            .setWaitForCompletion(true)
            .get();
        assertEquals(0, restored.getRestoreInfo().failedShards());
        ensureGreen(INDICES.toArray(String[]::new));
    }

    /** Per index: every document's source, and each request's hits (ids with their scores). */
    private Map<String, Object> state(List<String> indices) {
        Map<String, Object> state = new LinkedHashMap<>();
        for (String index : indices) {
            Map<String, Object> one = new LinkedHashMap<>();
            Map<String, Object> sources = new LinkedHashMap<>();
            for (int i = 0; i < DOCS; i++) {
                sources.put(Integer.toString(i), client().prepareGet(index, Integer.toString(i)).get().getSourceAsMap());
            }
            one.put("sources", sources);
            Map<String, Object> answers = new LinkedHashMap<>();
            for (Map.Entry<String, Supplier<SearchRequestBuilder>> request : requests(index).entrySet()) {
                SearchResponse response = request.getValue().get().get();
                assertEquals(request.getKey(), 0, response.getFailedShards());
                // hits of one score (raw scores below zero all count as 0) in id order: shards break such ties
                List<SearchHit> hits = new ArrayList<>(Arrays.asList(response.getHits().getHits()));
                hits.sort(Comparator.comparing(SearchHit::getScore).reversed().thenComparing(SearchHit::getId));
                List<String> ids = new ArrayList<>();
                List<Float> scores = new ArrayList<>();
                for (SearchHit hit : hits) {
                    ids.add(hit.getId());
                    scores.add(hit.getScore());
                }
                Map<String, Object> answer = new LinkedHashMap<>();
                answer.put("ids", ids);
                answer.put("scores", scores);
                answers.put(request.getKey(), answer);
            }
            one.put("answers", answers);
            state.put(index, one);
        }
        return asJson(state);
    }

    /** Equal, or a failure naming the paths that differ (the states are too large to read whole). */
    private static void assertSameState(String what, Object expected, Object actual) {
        List<String> differences = new ArrayList<>();
        differences(expected, actual, "", differences);
        assertTrue(what + ": " + differences.subList(0, Math.min(40, differences.size())), differences.isEmpty());
    }

    private static void differences(Object expected, Object actual, String path, List<String> out) {
        if (expected instanceof Map<?, ?> e && actual instanceof Map<?, ?> a) {
            for (Object key : e.keySet()) {
                differences(e.get(key), a.get(key), path + "/" + key, out);
            }
            for (Object key : a.keySet()) {
                if (e.containsKey(key) == false) {
                    out.add(path + "/" + key + " only after");
                }
            }
        } else if (expected instanceof List<?> e && actual instanceof List<?> a && e.size() == a.size()) {
            for (int i = 0; i < e.size(); i++) {
                differences(e.get(i), a.get(i), path + "/" + i, out);
            }
        } else if (path.contains("/scores/") && expected instanceof Number e && actual instanceof Number a) {
            // MaxSim's vector lanes may sum in another order once compiled: the last bits of a score, not the ranking
            if (Math.abs(e.doubleValue() - a.doubleValue()) > 1e-6 * Math.max(1, Math.abs(e.doubleValue()))) {
                out.add(path + ": " + e + " -> " + a);
            }
        } else if (Objects.equals(expected, actual) == false) {
            String e = String.valueOf(expected);
            String a = String.valueOf(actual);
            out.add(path + ": " + e.substring(0, Math.min(120, e.length())) + " -> " + a.substring(0, Math.min(120, a.length())));
        }
    }

    /** {@code state} as JSON would give it back: a SMILE document's floats and a JSON one's doubles compare alike. */
    private static Map<String, Object> asJson(Map<String, Object> state) {
        try (XContentBuilder json = JsonXContent.contentBuilder()) {
            return XContentHelper.convertToMap(BytesReference.bytes(json.map(state)), true, XContentType.JSON).v2();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Dense retrievers by vector on each indexed dense field (the chunked one by its best passage), the rescorer on each
     * token field, the candidate index.
     */
    private Map<String, Supplier<SearchRequestBuilder>> requests(String index) {
        Map<String, Supplier<SearchRequestBuilder>> requests = new LinkedHashMap<>();
        Random random = new Random(7);
        for (String field : List.of("cos", "dot", "l2", "meta.vec", "passages")) {
            String vector = Arrays.toString(EveryVectorField.vector(random));
            requests.put(
                "dense " + field,
                () -> search(index).setQuery(QueryBuilders.wrapperQuery(String.format(Locale.ROOT, """
                    {"multimodal": {"query_vector": %s, "retrievers": {"v": {"dense": {"field": "%s", "k": 10}}}}}""", vector, field)))
            );
        }
        for (String text : QUERY_TEXTS) {
            for (String field : EveryVectorField.multiVectorFields()) {
                requests.put(
                    "late_interaction " + field + " / " + text,
                    () -> search(index).setQuery(QueryBuilders.matchAllQuery())
                        .addRescorer(new LateInteractionRescorerBuilder(field, text, MODEL, LateInteractionScoreMode.REPLACE, 1f, 1f), DOCS)
                );
            }
            requests.put(
                "multi-vector candidate index / " + text,
                () -> search(index).setQuery(QueryBuilders.wrapperQuery(String.format(Locale.ROOT, """
                    {"multimodal": {"query_text": "%s", "retrievers": {
                      "t": {"multi_vector": {"field": "tokens_indexed", "model": "%s", "k": 10}}}}}""", text, MODEL)))
            );
        }
        return requests;
    }

    private SearchRequestBuilder search(String index) {
        // every document: a cut at 10 could fall inside a tie
        return client().prepareSearch(index).setSearchType(SearchType.QUERY_THEN_FETCH).setSize(DOCS).setFetchSource(false);
    }

    /** The repository's files and, beside them, {@code expected.json}: what this build answered from it. */
    private static void writeBwcZip(Path repo, Map<String, Object> state, Path zip) throws IOException {
        Files.createDirectories(zip.getParent());
        try (OutputStream out = Files.newOutputStream(zip); ZipOutputStream zipped = new ZipOutputStream(out)) {
            try (Stream<Path> files = Files.walk(repo)) {
                for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                    zipped.putNextEntry(new ZipEntry("repo/" + repo.relativize(file).toString().replace('\\', '/')));
                    Files.copy(file, zipped);
                    zipped.closeEntry();
                }
            }
            zipped.putNextEntry(new ZipEntry("expected.json"));
            try (XContentBuilder json = JsonXContent.contentBuilder().prettyPrint()) {
                zipped.write(BytesReference.bytes(json.map(state)).toBytesRef().bytes);
            }
            zipped.closeEntry();
        }
    }

    /** Unzips the repository into {@code repo}; the recorded state it carries. */
    private static Map<String, Object> unzip(InputStream zip, Path repo) throws IOException {
        byte[] expected = null;
        try (ZipInputStream entries = new ZipInputStream(zip)) {
            for (ZipEntry entry = entries.getNextEntry(); entry != null; entry = entries.getNextEntry()) {
                if (entry.getName().equals("expected.json")) {
                    expected = entries.readAllBytes();
                } else if (entry.getName().startsWith("repo/") && entry.isDirectory() == false) {
                    Path file = repo.resolve(entry.getName().substring("repo/".length())).normalize();
                    assertTrue("inside the repository: " + entry.getName(), file.startsWith(repo));
                    Files.createDirectories(file.getParent());
                    Files.copy(entries, file);
                }
            }
        }
        assertNotNull("expected.json in the zip", expected);
        return XContentHelper.convertToMap(new BytesArray(expected), true, XContentType.JSON).v2();
    }
}

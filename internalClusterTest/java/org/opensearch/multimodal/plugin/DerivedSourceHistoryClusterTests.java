package org.opensearch.multimodal.plugin;

import org.opensearch.common.xcontent.XContentHelper;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.xcontent.MediaTypeRegistry;
import org.opensearch.index.shard.IndexShard;
import org.opensearch.index.translog.Translog;
import org.opensearch.indices.IndicesService;
import org.opensearch.test.OpenSearchIntegTestCase;

import static org.opensearch.test.hamcrest.OpenSearchAssertions.assertAcked;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * With derived vector source, the translog holds the very bytes a later read derives (issue 25): for every vector field
 * type, encoding and {@code pool_factor}, for JSON, SMILE and CBOR bodies, each operation's source in the translog equals
 * its source in the shard's Lucene history (what peer recovery replays to a replica, read through the codec), and
 * indexing that derived source again gives the same bytes. With {@code _source} includes or excludes, the history
 * replays {@code _recovery_source}, the document as sent, and the translog keeps it as sent too.
 */
@OpenSearchIntegTestCase.ClusterScope(
    scope = OpenSearchIntegTestCase.Scope.SUITE, numDataNodes = 1, numClientNodes = 0, supportsDedicatedMasters = false
)
public class DerivedSourceHistoryClusterTests extends BgeClusterTestCase {

    private static final List<XContentType> BODIES = List.of(XContentType.JSON, XContentType.SMILE, XContentType.CBOR);

    public void testTheTranslogHoldsTheSourceAReadDerives() throws Exception {
        assertHistoryMatchesTheTranslog("derived", "");
    }

    public void testWithSourceExcludesTheTranslogKeepsWhatWasSent() throws Exception {
        assertHistoryMatchesTheTranslog("excludes", "\"_source\": {\"excludes\": [\"n\"]},");
    }

    public void testWithSourceIncludesTheTranslogKeepsWhatWasSent() throws Exception {
        assertHistoryMatchesTheTranslog("includes", "\"_source\": {\"includes\": [\"body\", \"cos\", \"tokens_*\"]},");
    }

    public void testEveryVectorIsStoredOnceAndReadBack() throws Exception {
        assertHistoryMatchesTheTranslog("stored_once", "");
        refresh("stored_once");
        for (BytesReference stored : StoredSources.of(internalCluster().getInstances(IndicesService.class), resolveIndex("stored_once"))) {
            Map<String, Object> map = XContentHelper.convertToMap(stored, true, type(stored)).v2();
            assertNull("token vectors left out of the stored source", map.get("tokens_int8_2"));
            assertNull("dense vectors too", map.get("cos"));
            Map<?, ?> passages = (Map<?, ?>) map.get("passages");
            assertNull("a chunked field's passage vectors too", passages.get("vectors"));
            assertEquals("its offsets stay", 2, ((List<?>) passages.get("offsets")).size());
        }
        Map<String, Object> read = client().prepareGet("stored_once", "0").get().getSourceAsMap();
        assertEquals("and GET gives the passage vectors back", 2, ((List<?>) ((Map<?, ?>) read.get("passages")).get("vectors")).size());
        assertEquals(EveryVectorField.DIMS, ((List<?>) read.get("cos")).size());
    }

    private void assertHistoryMatchesTheTranslog(String index, String source) throws Exception {
        assertAcked(
            prepareCreate(index).setSettings(Map.of("index.number_of_shards", 1, "index.number_of_replicas", 0, "index.codec", "default"))
                .setMapping(EveryVectorField.mapping(source))
        );
        Random random = new Random(index.hashCode());
        int id = 0;
        for (XContentType type : BODIES) {
            for (int i = 0; i < 3; i++, id++) {
                client().prepareIndex(index).setId(Integer.toString(id)).setSource(EveryVectorField.document(type, id, random)).get();
            }
        }
        Map<Long, BytesReference> history = sources(index, true);
        Map<Long, BytesReference> translog = sources(index, false);
        assertEquals(BODIES.size() * 3, history.size());
        assertEquals(history.keySet(), translog.keySet());
        for (long seqNo : history.keySet()) {
            assertEquals("operation " + seqNo + ": the translog's source is the history's", history.get(seqNo), translog.get(seqNo));
        }
        // the derived source indexed again (as a replayed operation is): deriving twice changes nothing
        for (long seqNo : history.keySet()) {
            BytesReference derived = history.get(seqNo);
            client().prepareIndex(index)
                .setId("again-" + seqNo)
                .setSource(derived, type(derived))
                .get();
        }
        Map<Long, BytesReference> again = sources(index, false);
        for (long seqNo : history.keySet()) {
            assertEquals("operation " + seqNo + " derived twice", history.get(seqNo), again.get(seqNo + history.size()));
        }
        for (BytesReference translogged : translog.values()) {
            Object tokens = XContentHelper.convertToMap(translogged, true, type(translogged)).v2().get("tokens_float32_2");
            // derived: a multi_vector comes back packed (base64), as the field stores it; as sent: an array of rows
            assertEquals(
                source.isEmpty() ? "the translog holds the derived source" : "the translog holds the body as sent",
                source.isEmpty(),
                tokens instanceof String
            );
        }
    }

    private static XContentType type(BytesReference source) {
        return (XContentType) MediaTypeRegistry.xContentType(source);
    }

    /** Each index operation's source by sequence number: from the Lucene history ({@code history}) or the translog. */
    private Map<Long, BytesReference> sources(String index, boolean history) throws IOException {
        IndexShard shard = internalCluster().getDataNodeInstance(IndicesService.class).indexServiceSafe(resolveIndex(index)).getShard(0);
        long max = shard.seqNoStats().getMaxSeqNo();
        Map<Long, BytesReference> sources = new HashMap<>();
        try (
            Translog.Snapshot snapshot = history
                ? shard.newChangesSnapshot("test", 0, max, true, true)
                : shard.getHistoryOperationsFromTranslog(0, max)
        ) {
            for (Translog.Operation operation = snapshot.next(); operation != null; operation = snapshot.next()) {
                if (operation instanceof Translog.Index op) {
                    sources.put(op.seqNo(), op.source());
                }
            }
        }
        return sources;
    }
}

package org.opensearch.multimodal.bench;

import org.opensearch.action.bulk.BulkRequestBuilder;
import org.opensearch.action.bulk.BulkResponse;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.xcontent.MediaTypeRegistry;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.multimodal.model.BuiltinModels;
import org.opensearch.node.Node;
import org.opensearch.transport.client.Client;

import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * What derived vector source costs at ingest (issue 25): the same bulks of documents with their vectors already
 * computed (a 384-dim dense vector and 80 int8 token rows of 384 dims, an abstract's shape) into two indices on one
 * node, derived vector source on (the stored-fields writer strips the vectors, and each operation's source is
 * re-rendered as a read derives it for the translog) and off (stored as sent), bulk by bulk in turn so both see the same
 * machine. Without embedding, this is the most the derivation can weigh; bge-small embeds an abstract in tens of
 * milliseconds on this machine, far more than either. Arguments: {@code [--docs 4000] [--bulk 100]}.
 */
public final class DerivedSourceIngestBenchmark {

    private static final int DIMS = 384;
    private static final int TOKENS = 80;

    private DerivedSourceIngestBenchmark() {
    }

    public static void main(String[] rawArgs) throws Exception {
        BenchArgs args = BenchArgs.parse(rawArgs, Set.of("--bulk"));
        int docs = Integer.parseInt(args.get("--docs", "4000"));
        int bulkSize = Integer.parseInt(args.get("--bulk", "100"));
        Node node = BenchNode
            .start(args.home().resolve("derived"), args.models(), BuiltinModels.BGE_SMALL, "derived", 9259, 0, Settings.EMPTY);
        try {
            Client client = node.client();
            String mapping = String.format(Locale.ROOT, """
                {"properties": {"body": {"type": "text"},
                  "vec": {"type": "dense_vector", "dims": %d, "similarity": "cosine"},
                  "tokens": {"type": "multi_vector", "dims": %d, "encoding": "int8"}}}""", DIMS, DIMS);
            for (String index : new String[]{"on", "off"}) {
                if (client.admin().indices().prepareExists(index).get().isExists()) {
                    client.admin().indices().prepareDelete(index).get();
                }
                client.admin()
                    .indices()
                    .prepareCreate(index)
                    .setSettings(
                        Map.of(
                            "index.number_of_shards",
                            1,
                            "index.number_of_replicas",
                            0,
                            "index.multimodal.derived_vector_source",
                            index.equals("on")
                        )
                    )
                    .setMapping(mapping)
                    .get();
            }
            Random random = new Random(42);
            long[] nanos = new long[2];
            long warmup = 0;
            for (int from = 0; from < docs; from += bulkSize) {
                byte[][] sources = new byte[bulkSize][];
                for (int i = 0; i < bulkSize; i++) {
                    sources[i] = document(random, from + i);
                }
                // alternate which index goes first, so neither always runs on a warmer machine
                int first = (from / bulkSize) % 2;
                for (int turn = 0; turn < 2; turn++) {
                    int which = (first + turn) % 2;
                    BulkRequestBuilder bulk = client.prepareBulk(which == 0 ? "on" : "off");
                    for (int i = 0; i < bulkSize; i++) {
                        bulk.add(client.prepareIndex().setId(Integer.toString(from + i)).setSource(sources[i], XContentType.JSON));
                    }
                    long start = System.nanoTime();
                    BulkResponse response = bulk.get();
                    long took = System.nanoTime() - start;
                    if (response.hasFailures()) {
                        throw new IllegalStateException(response.buildFailureMessage());
                    }
                    if (from >= docs / 10) {
                        nanos[which] += took; // the first tenth warms up the JIT
                    } else {
                        warmup++;
                    }
                }
            }
            double measured = docs - docs / 10;
            double on = nanos[0] / 1e3 / measured;
            double off = nanos[1] / 1e3 / measured;
            System.out.printf(
                Locale.ROOT,
                "DerivedSourceIngestBenchmark: %d documents (%d warm-up bulks), bulks of %d, java %s, %d cores%n",
                docs,
                warmup,
                bulkSize,
                Runtime.version(),
                Runtime.getRuntime().availableProcessors()
            );
            System.out.println("| index | us per document (bulk, vectors given) | vs off |");
            System.out.println("|---|---|---|");
            System.out.printf(Locale.ROOT, "| derived vector source off | %.0f | 1.00 |%n", off);
            System.out.printf(Locale.ROOT, "| derived vector source on (stripped, translog derived) | %.0f | %.2f |%n", on, on / off);
        } finally {
            node.close();
        }
    }

    /** An abstract's shape: some text, a dense vector, 80 token rows, as JSON numbers. */
    private static byte[] document(Random random, int i) throws Exception {
        try (XContentBuilder doc = MediaTypeRegistry.contentBuilder(XContentType.JSON)) {
            doc.startObject().field("body", "document " + i + " " + "words ".repeat(150));
            doc.field("vec", vector(random));
            doc.startArray("tokens");
            for (int t = 0; t < TOKENS; t++) {
                doc.value(vector(random));
            }
            doc.endArray().endObject();
            return BytesReference.toBytes(BytesReference.bytes(doc));
        }
    }

    private static float[] vector(Random random) {
        float[] vector = new float[DIMS];
        for (int d = 0; d < DIMS; d++) {
            vector[d] = (float) random.nextGaussian();
        }
        return vector;
    }
}

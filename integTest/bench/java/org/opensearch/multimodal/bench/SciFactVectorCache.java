package org.opensearch.multimodal.bench;

import org.opensearch.multimodal.model.EncodingPurpose;
import org.opensearch.multimodal.model.ModelRegistry;
import org.opensearch.multimodal.model.OnnxSessions;
import org.opensearch.multimodal.model.TextEmbeddings;
import org.opensearch.multimodal.model.TextModel;
import org.opensearch.multimodal.settings.InferenceDevice;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * bge-small's dense and token vectors of every SciFact document (what {@code embed_text} computes), computed once into
 * a file under the benchmark's home and read back by the benchmarks that index them as given vectors. Records carry
 * their document's position in the corpus (they are written in the order batches finish).
 */
final class SciFactVectorCache {

    static final String MODEL = "bge-small-en-v1.5";
    static final int DIMS = 384;

    /** One document's vectors, as read back. */
    interface Reader {

        void accept(SciFact.Doc doc, float[] dense, float[][] tokens) throws IOException;
    }

    private SciFactVectorCache() {
    }

    /** The cache file for {@code corpus} under {@code home}, computed with the model under {@code models} when missing. */
    static Path ensure(Path home, Path models, List<SciFact.Doc> corpus) throws Exception {
        Path cache = home.resolve("scifact-bge-tokens-v3-" + corpus.size() + ".bin");
        if (Files.exists(cache) == false) {
            compute(models.resolve(MODEL), corpus, cache);
        }
        return cache;
    }

    /**
     * For a run on the first {@code docs} documents of {@code corpus} (the whole corpus): writes their cache from the
     * whole corpus's cache under {@code home} when that exists and theirs does not, so {@link #ensure} finds it without
     * computing anything. A text's vectors depend on the text and the model alone (one text per ONNX call), so these are
     * the vectors computing would give.
     */
    static void subsetOfWhole(Path home, List<SciFact.Doc> corpus, int docs) throws IOException {
        Path whole = home.resolve("scifact-bge-tokens-v3-" + corpus.size() + ".bin");
        Path cache = home.resolve("scifact-bge-tokens-v3-" + docs + ".bin");
        if (docs >= corpus.size() || Files.exists(cache) || Files.exists(whole) == false) {
            return;
        }
        Map<SciFact.Doc, Integer> positions = new IdentityHashMap<>();
        for (int i = 0; i < docs; i++) {
            positions.put(corpus.get(i), i);
        }
        Path partial = cache.resolveSibling(cache.getFileName() + ".partial");
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(partial), 1 << 20))) {
            read(whole, corpus, true, (doc, dense, tokens) -> {
                Integer position = positions.get(doc);
                if (position != null) {
                    write(out, position, dense, tokens);
                }
            });
        }
        Files.move(partial, cache, StandardCopyOption.REPLACE_EXISTING);
        System.out.println("wrote the vectors of the first " + docs + " documents from " + whole + " into " + cache);
    }

    /** Every record of {@code cache}; {@code withTokens} false skips the token vectors without building them. */
    static void read(Path cache, List<SciFact.Doc> corpus, boolean withTokens, Reader reader) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(cache), 1 << 20))) {
            for (int d = 0; d < corpus.size(); d++) {
                SciFact.Doc doc = corpus.get(in.readInt());
                float[] dense = new float[DIMS];
                for (int k = 0; k < DIMS; k++) {
                    dense[k] = in.readFloat();
                }
                int rows = in.readInt();
                float[][] tokens = null;
                if (withTokens) {
                    tokens = new float[rows][DIMS];
                    for (float[] row : tokens) {
                        for (int k = 0; k < DIMS; k++) {
                            row[k] = in.readFloat();
                        }
                    }
                } else {
                    in.skipNBytes((long) rows * DIMS * Float.BYTES);
                }
                reader.accept(doc, dense, tokens);
            }
        }
    }

    private static void compute(Path modelDir, List<SciFact.Doc> corpus, Path cache) throws Exception {
        System.out.println("computing the corpus's bge vectors once (cached in " + cache + ") ...");
        long start = System.nanoTime();
        try (ModelRegistry registry = new ModelRegistry(List.of(modelDir.getParent()), new OnnxSessions(InferenceDevice.CPU))) {
            TextModel model = registry.textModel(MODEL);
            Integer[] order = new Integer[corpus.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, Comparator.comparingInt(i -> corpus.get(i).titleAndText().length()));
            // Each batch is written as it finishes (records carry their document's index), so memory holds the batches in flight only.
            ExecutorService pool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
            Path partial = cache.resolveSibling(cache.getFileName() + ".partial");
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(partial), 1 << 20))) {
                List<Future<?>> batches = new ArrayList<>();
                for (int from = 0; from < order.length; from += 16) {
                    List<Integer> batch = Arrays.asList(order).subList(from, Math.min(from + 16, order.length));
                    batches.add(pool.submit(() -> {
                        TextEmbeddings embeddings = model
                            .encode(batch.stream().map(i -> corpus.get(i).titleAndText()).toList(), EncodingPurpose.DOCUMENT, true);
                        synchronized (out) {
                            for (int j = 0; j < batch.size(); j++) {
                                write(out, batch.get(j), embeddings.vectors()[j], embeddings.tokenVectors()[j]);
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> batch : batches) {
                    batch.get();
                }
            } finally {
                pool.shutdown();
            }
            // a partial cache is never taken for a whole one
            Files.move(partial, cache, StandardCopyOption.REPLACE_EXISTING);
        }
        System.out.printf(Locale.ROOT, "  %.0f s%n", (System.nanoTime() - start) / 1e9);
    }

    private static void write(DataOutputStream out, int doc, float[] dense, float[][] tokens) throws IOException {
        out.writeInt(doc);
        for (float v : dense) {
            out.writeFloat(v);
        }
        out.writeInt(tokens.length);
        for (float[] row : tokens) {
            for (float v : row) {
                out.writeFloat(v);
            }
        }
    }
}

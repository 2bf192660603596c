package org.opensearch.multimodal.processor;

import org.opensearch.core.action.ActionListener;
import org.opensearch.ingest.IngestDocument;
import org.opensearch.ingest.IngestDocumentWrapper;
import org.opensearch.multimodal.image.ImageInputs;
import org.opensearch.multimodal.inference.Batches;
import org.opensearch.multimodal.inference.ImageEmbedder;
import org.opensearch.multimodal.inference.InferenceService;
import org.opensearch.multimodal.inference.Workload;
import org.opensearch.multimodal.math.VectorMath;
import org.opensearch.multimodal.model.EncodingPurpose;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * {@code embed_product}: one vector per product from its text (the {@code text_fields}, joined) and its image, in the
 * space the two models share: the L2-normalized {@code weights.text * t + weights.image * i} of the L2-normalized text
 * and image vectors. A product with only text (or only an image) gets that vector alone; which it got is written to
 * {@code source_field} ({@code text+image}, {@code text} or {@code image}). A bad image fails the product, as in
 * {@code embed_image}: leaving it out silently would index a different vector than the product deserves.
 */
public final class EmbedProductProcessor extends EmbeddingProcessor {

    public static final String TYPE = "embed_product";

    private final String textModel;
    private final String imageModel;
    private final List<String> textFields;
    private final String imageField;
    private final String targetField;
    private final String sourceField;
    private final float textWeight;
    private final float imageWeight;
    private final InferenceService inference;
    private final ImageEmbedder embedder;

    EmbedProductProcessor(
        String tag,
        String description,
        int batchSize,
        String textModel,
        String imageModel,
        List<String> textFields,
        String imageField,
        String targetField,
        String sourceField,
        float textWeight,
        float imageWeight,
        InferenceService inference,
        ImageInputs images
    ) {
        // a product vector mixes two models' vectors: no one model fills its field, so none is checked or recorded
        super(tag, description, batchSize, inference.stats(), null);
        this.textModel = textModel;
        this.imageModel = imageModel;
        this.textFields = textFields;
        this.imageField = imageField;
        this.targetField = targetField;
        this.sourceField = sourceField;
        this.textWeight = textWeight;
        this.imageWeight = imageWeight;
        this.inference = inference;
        this.embedder = new ImageEmbedder(inference, images);
    }

    @Override
    public String getType() {
        return TYPE;
    }

    @Override
    protected void embedBatch(List<IngestDocumentWrapper> documents, Consumer<List<IngestDocumentWrapper>> handler) {
        List<ProductInput> products = collect(documents);
        if (products.isEmpty()) {
            handler.accept(documents);
            return;
        }
        int n = products.size();
        float[][] textVectors = new float[n][];
        float[][] imageVectors = new float[n][];
        CompletableFuture<Void> texts = encodeTexts(products, textVectors);
        CompletableFuture<Void> pictures = encodeImages(products, imageVectors);
        CompletableFuture.allOf(texts, pictures).whenComplete((ignored, e) -> {
            for (int i = 0; i < n; i++) {
                write(products.get(i), textVectors[i], imageVectors[i]);
            }
            handler.accept(documents);
        });
    }

    /** Encodes the products' texts in batches; a failed batch fails its products. */
    private CompletableFuture<Void> encodeTexts(List<ProductInput> products, float[][] out) {
        List<Integer> slots = new ArrayList<>();
        for (int i = 0; i < products.size(); i++) {
            if (products.get(i).text() != null) {
                slots.add(i);
            }
        }
        List<CompletableFuture<Void>> batches = new ArrayList<>();
        for (List<Integer> batch : Batches.of(slots, batchSize)) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            List<String> texts = batch.stream().map(i -> products.get(i).text()).toList();
            inference.encodeText(Workload.INDEX, textModel, texts, EncodingPurpose.DOCUMENT, false, ActionListener.wrap(embeddings -> {
                for (int j = 0; j < batch.size(); j++) {
                    out[batch.get(j)] = embeddings.vectors()[j];
                }
                done.complete(null);
            }, e -> {
                batch.forEach(i -> fail(products.get(i), String.join(", ", textFields), e));
                done.complete(null);
            }));
            batches.add(done);
        }
        return CompletableFuture.allOf(batches.toArray(CompletableFuture[]::new));
    }

    /** Loads and encodes the products' images batch by batch (at most two batches at once); a bad one fails its product. */
    private CompletableFuture<Void> encodeImages(List<ProductInput> products, float[][] out) {
        List<Integer> slots = new ArrayList<>();
        for (int i = 0; i < products.size(); i++) {
            if (products.get(i).image() != null) {
                slots.add(i);
            }
        }
        CompletableFuture<Void> all = new CompletableFuture<>();
        List<String> values = slots.stream().map(i -> products.get(i).image()).toList();
        embedder.embed(Workload.INDEX, imageModel, values, batchSize, false, ImageEmbedder.RUNS_TO_THE_END, (j, outcome) -> {
            if (outcome.failed()) {
                fail(products.get(slots.get(j)), imageField, outcome.failure());
            } else {
                out[slots.get(j)] = outcome.vector();
            }
        }, () -> all.complete(null));
        return all;
    }

    private void write(ProductInput product, float[] text, float[] image) {
        IngestDocumentWrapper wrapper = product.document();
        synchronized (wrapper) {
            if (wrapper.getException() != null) {
                return;
            }
            float[] combined;
            String source;
            if (text != null && image != null) {
                combined = new float[text.length];
                for (int d = 0; d < combined.length; d++) {
                    combined[d] = textWeight * text[d] + imageWeight * image[d];
                }
                VectorMath.l2NormalizeInPlace(combined);
                source = "text+image";
            } else if (text != null) {
                combined = text;
                source = "text";
            } else {
                combined = image;
                source = "image";
            }
            IngestDocument document = wrapper.getIngestDocument();
            document.setFieldValue(targetField, new FloatListView(combined));
            document.setFieldValue(sourceField, source);
        }
    }

    /** The product's text (its text fields joined with ". ") and image value; an error names a field of the wrong kind. */
    private List<ProductInput> collect(List<IngestDocumentWrapper> documents) {
        List<ProductInput> products = new ArrayList<>();
        for (IngestDocumentWrapper document : documents) {
            if (document.getException() != null || document.getIngestDocument() == null) {
                continue;
            }
            try {
                IngestDocument source = document.getIngestDocument();
                List<String> parts = new ArrayList<>();
                for (String field : textFields) {
                    String part = ProductText.read(source, field, TYPE);
                    if (part != null) {
                        parts.add(part);
                    }
                }
                String image = imageField == null ? null : TextFieldReader.read(source, imageField, true, TYPE);
                String text = parts.isEmpty() ? null : String.join(". ", parts);
                if (text == null && image == null) {
                    throw new IllegalArgumentException(
                        String.format(
                            Locale.ROOT,
                            "[%s] the document has none of the text fields %s and no image in [%s]",
                            TYPE,
                            textFields,
                            imageField
                        )
                    );
                }
                products.add(new ProductInput(document, text, image));
            } catch (IllegalArgumentException e) {
                document.update(document.getIngestDocument(), e);
            }
        }
        return products;
    }

    private static void fail(ProductInput product, String field, Throwable cause) {
        failField(product.document(), TYPE, field, cause);
    }

}

package org.opensearch.multimodal.query.encoding;

import org.opensearch.multimodal.mapper.FieldModel;
import org.opensearch.multimodal.services.MultimodalServices;

import java.util.Locale;

/**
 * Vectors from different models never meet unnoticed. On a shard, a query encoded by {@code model} (as
 * {@link EncoderIdentity} says) may search a field only when: the field's mapping names no model, or names one in the
 * same embedding space; when it names this very model, the fingerprints agree; and this node serves {@code model} with
 * the same fingerprint as the node that encoded the query. Each refusal is a 400 naming both sides.
 */
public final class ModelCompatibility {

    private ModelCompatibility() {
    }

    public static void check(
        String parameter,
        String model,
        EncoderIdentity encoder,
        String field,
        FieldModel fieldModel,
        MultimodalServices shard
    ) {
        if (encoder == null) {
            return; // a given vector or a liked document's: no model encoded it here
        }
        shard.registry().fingerprint(model).ifPresent(local -> {
            if (encoder.fingerprint().isEmpty() == false && local.equals(encoder.fingerprint()) == false) {
                throw new IllegalArgumentException(
                    String.format(
                        Locale.ROOT,
                        "[%s.model] model [%s] has fingerprint [%s] on node [%s], which encoded the query, but [%s] on node [%s]: "
                            + "the nodes serve different files under the same id",
                        parameter,
                        model,
                        encoder.fingerprint(),
                        encoder.node(),
                        local,
                        shard.nodeName()
                    )
                );
            }
        });
        String filler = fieldModel.model();
        if (filler == null) {
            return;
        }
        if (filler.equals(model)) {
            if (fieldModel.fingerprint() != null && fieldModel.fingerprint().equals(encoder.fingerprint()) == false) {
                throw new IllegalArgumentException(
                    String.format(
                        Locale.ROOT,
                        "[%s.model] model [%s] that encoded the query on node [%s] has fingerprint [%s], but field [%s] was filled by "
                            + "[%s] with fingerprint [%s]: they are different models under one id",
                        parameter,
                        model,
                        encoder.node(),
                        encoder.fingerprint(),
                        field,
                        filler,
                        fieldModel.fingerprint()
                    )
                );
            }
            return;
        }
        String fillerSpace = shard.registry().manifest(filler).map(m -> m.space()).orElse(filler);
        if (fillerSpace.equals(encoder.space()) == false) {
            throw new IllegalArgumentException(
                String.format(
                    Locale.ROOT,
                    "[%s.model] model [%s] encodes into the space of [%s], but field [%s] holds vectors of model [%s] (space [%s])",
                    parameter,
                    model,
                    encoder.space(),
                    field,
                    filler,
                    fillerSpace
                )
            );
        }
    }
}

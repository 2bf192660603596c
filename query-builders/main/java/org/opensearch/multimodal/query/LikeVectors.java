package org.opensearch.multimodal.query;

import org.opensearch.ResourceNotFoundException;
import org.opensearch.action.get.GetRequest;
import org.opensearch.common.xcontent.support.XContentMapValues;
import org.opensearch.core.action.ActionListener;
import org.opensearch.multimodal.query.retriever.LikeDocument;
import org.opensearch.search.fetch.subphase.FetchSourceContext;
import org.opensearch.transport.client.Client;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Fetches a {@link LikeDocument} and reads the vector each retriever field holds in its source. */
final class LikeVectors {

    private LikeVectors() {
    }

    static void fetch(Client client, LikeDocument like, Collection<String> fields, ActionListener<Map<String, float[]>> listener) {
        client.get(
            new GetRequest(like.index(), like.id()).fetchSourceContext(
                new FetchSourceContext(true, fields.toArray(String[]::new), null)
            ),
            ActionListener.wrap(response -> {
                if (response.isExists() == false) {
                    throw new ResourceNotFoundException(
                        String.format(Locale.ROOT, "[like] document [%s/%s] does not exist", like.index(), like.id())
                    );
                }
                Map<String, float[]> vectors = new TreeMap<>();
                for (String field : fields) {
                    vectors.put(field, vector(response.getSourceAsMap(), field, like));
                }
                listener.onResponse(vectors);
            }, listener::onFailure)
        );
    }

    private static float[] vector(Map<String, Object> source, String field, LikeDocument like) {
        Object value = XContentMapValues.extractValue(field, source);
        if (value instanceof List<?> list && list.isEmpty() == false && list.stream().allMatch(v -> v instanceof Number)) {
            float[] vector = new float[list.size()];
            for (int i = 0; i < vector.length; i++) {
                vector[i] = ((Number) list.get(i)).floatValue();
            }
            return vector;
        }
        throw new IllegalArgumentException(
            String.format(Locale.ROOT, "[like] document [%s/%s] has no vector in [%s] to search with", like.index(), like.id(), field)
        );
    }

    /** Whether two documents' vectors by field are the same fields with equal vectors. */
    static boolean equal(Map<String, float[]> a, Map<String, float[]> b) {
        if (a.keySet().equals(b.keySet()) == false) {
            return false;
        }
        for (Map.Entry<String, float[]> entry : a.entrySet()) {
            if (Arrays.equals(entry.getValue(), b.get(entry.getKey())) == false) {
                return false;
            }
        }
        return true;
    }
}

package org.opensearch.multimodal.codec;

import java.util.LinkedHashMap;
import java.util.Map;

/** Removing and putting values at a field's dotted path in a {@code _source} map (nested objects or dotted keys). */
final class SourcePaths {

    private SourcePaths() {
    }

    /** Removes the value at {@code path}; true when there was one. */
    @SuppressWarnings("unchecked")
    static boolean remove(Map<String, Object> source, String path) {
        if (source.remove(path) != null) {
            return true;
        }
        for (int dot = path.indexOf('.'); dot > 0; dot = path.indexOf('.', dot + 1)) {
            if (source.get(path.substring(0, dot)) instanceof Map<?, ?> object
                && remove((Map<String, Object>) object, path.substring(dot + 1))) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code path} holds a value. */
    @SuppressWarnings("unchecked")
    static boolean contains(Map<String, Object> source, String path) {
        if (source.containsKey(path)) {
            return true;
        }
        for (int dot = path.indexOf('.'); dot > 0; dot = path.indexOf('.', dot + 1)) {
            if (source.get(path.substring(0, dot)) instanceof Map<?, ?> object
                && contains((Map<String, Object>) object, path.substring(dot + 1))) {
                return true;
            }
        }
        return false;
    }

    /** Puts {@code value} at {@code path}, into the objects on its way (made where missing). */
    @SuppressWarnings("unchecked")
    static void put(Map<String, Object> source, String path, Object value) {
        int dot = path.indexOf('.');
        if (dot < 0) {
            source.put(path, value);
            return;
        }
        Object object = source.get(path.substring(0, dot));
        if ((object instanceof Map<?, ?>) == false) {
            object = new LinkedHashMap<String, Object>();
            source.put(path.substring(0, dot), object);
        }
        put((Map<String, Object>) object, path.substring(dot + 1), value);
    }
}

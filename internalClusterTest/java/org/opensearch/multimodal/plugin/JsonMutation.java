package org.opensearch.multimodal.plugin;

import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.xcontent.XContentBuilder;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * One way to spoil a valid JSON body, for the fuzz tests ({@code RequestBodyFuzzTests}, {@code MappingFuzzTests}):
 * {@link #apply} takes the body as a tree of maps, lists and values and returns the spoiled body's JSON text.
 */
enum JsonMutation {

    WRONG_TYPE, HUGE_OR_ODD_NUMBER, ODD_STRING, HUGE_ARRAY, DEEP_NESTING, DROP_KEY, UNKNOWN_KEY, TRUNCATED;

    String apply(Object tree, Random random) {
        try {
            if (this == TRUNCATED) {
                String json = toJson(tree);
                return json.substring(0, random.nextInt(json.length()));
            }
            Object copy = deepCopy(tree);
            List<Slot> slots = new ArrayList<>();
            collect(copy, slots);
            Slot slot = slots.get(random.nextInt(slots.size()));
            switch (this) {
                case DROP_KEY -> {
                    if (slot.map != null) {
                        slot.map.remove(slot.key);
                    }
                }
                case UNKNOWN_KEY -> {
                    if (slot.value instanceof Map<?, ?> map) {
                        @SuppressWarnings("unchecked")
                        Map<String, Object> object = (Map<String, Object>) map;
                        object.put("no_such_parameter", 1);
                    } else {
                        slot.set(Map.of("no_such_parameter", 1));
                    }
                }
                default -> slot.set(replacement(random));
            }
            return toJson(copy);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private Object replacement(Random random) {
        return switch (this) {
            case WRONG_TYPE -> List.<Object>of("text", 7, true, false, Map.of(), List.of(), 1.5, "").get(random.nextInt(8));
            case HUGE_OR_ODD_NUMBER -> List.<Object>of(
                Long.MAX_VALUE,
                Long.MIN_VALUE,
                -1,
                0,
                Integer.MAX_VALUE + 1L,
                1e308,
                -1e308,
                Double.MIN_VALUE,
                "NaN",
                "Infinity",
                "-0",
                "1e999"
            ).get(random.nextInt(12));
            case ODD_STRING -> List.<Object>of(
                "\u0000",
                "\uD800",
                "\u202Eevil",
                "\uD83D\uDE00\uD83D\uDE00",
                "a".repeat(100_000),
                " ",
                "{\"not\": \"an object\"}",
                "\\"
            ).get(random.nextInt(8));
            case HUGE_ARRAY -> {
                List<Object> values = new ArrayList<>();
                for (int i = 0; i < 100_000; i++) {
                    values.add(random.nextBoolean() ? i : "x");
                }
                yield values;
            }
            case DEEP_NESTING -> {
                Object nested = "bottom";
                for (int i = 0; i < 200; i++) {
                    nested = random.nextBoolean() ? List.of(nested) : Map.of("n", nested);
                }
                yield nested;
            }
            default -> throw new IllegalStateException(name());
        };
    }

    /** A place in the tree: a map entry or a list element (the root has neither). */
    private record Slot(Map<String, Object> map, String key, List<Object> list, int index, Object value) {

        void set(Object replacement) {
            if (map != null) {
                map.put(key, replacement);
            } else if (list != null) {
                list.set(index, replacement);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void collect(Object node, List<Slot> slots) {
        if (node instanceof Map<?, ?> map) {
            Map<String, Object> object = (Map<String, Object>) map;
            for (String key : new ArrayList<>(object.keySet())) {
                slots.add(new Slot(object, key, null, -1, object.get(key)));
                collect(object.get(key), slots);
            }
        } else if (node instanceof List<?> list) {
            List<Object> array = (List<Object>) list;
            for (int i = 0; i < array.size(); i++) {
                slots.add(new Slot(null, null, array, i, array.get(i)));
                collect(array.get(i), slots);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Object deepCopy(Object node) {
        if (node instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            ((Map<String, Object>) map).forEach((k, v) -> copy.put(k, deepCopy(v)));
            return copy;
        }
        if (node instanceof List<?> list) {
            List<Object> copy = new ArrayList<>();
            list.forEach(v -> copy.add(deepCopy(v)));
            return copy;
        }
        return node;
    }

    private static String toJson(Object tree) throws Exception {
        try (XContentBuilder builder = JsonXContent.contentBuilder()) {
            builder.value(tree);
            return builder.toString();
        }
    }

    /** The body, cut for a failure message. */
    static String abbreviate(String body) {
        return body.length() > 300 ? body.substring(0, 300) + "... (" + body.length() + " chars)" : body;
    }
}

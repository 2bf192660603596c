package org.opensearch.multimodal.plugin;

import org.opensearch.ExceptionsHelper;
import org.opensearch.common.xcontent.XContentHelper;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.core.xcontent.MediaTypeRegistry;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What the fuzz tests found: mutants of valid seed bodies ({@link JsonMutation}) parsed one by one, each outcome counted
 * by kind of body, mutation and status as the REST layer would answer it ({@link ExceptionsHelper#status}: 400,
 * 413...), and every 5xx or error kept with its body.
 */
final class FuzzOutcomes {

    /** What one parser does with one body's text; throws what the parser throws. */
    interface Parse {

        void parse(String json) throws Exception;
    }

    private final Map<String, Integer> counts = new TreeMap<>();
    private final List<String> serverErrors = new ArrayList<>();

    /** One try with a hostile input; throws what the code under test throws. */
    interface Attempt {

        void run() throws Exception;
    }

    /** Parses {@code seed} itself (it must be valid), then {@code mutants} mutants of it. */
    void run(String kind, String seed, Parse parse, Random random, int mutants) throws Exception {
        parse.parse(seed);
        Object tree = XContentHelper.convertToMap(new BytesArray(seed), true, MediaTypeRegistry.JSON).v2();
        for (int m = 0; m < mutants; m++) {
            JsonMutation mutation = JsonMutation.values()[random.nextInt(JsonMutation.values().length)];
            String body = mutation.apply(tree, random);
            record(kind, mutation.name(), () -> parse.parse(body), "\n  body: " + JsonMutation.abbreviate(body));
        }
    }

    /** Counts one hostile input that is not a mutant of a seed body (a cut file, an odd id), by its outcome. */
    void record(String kind, String mutation, Attempt attempt) {
        record(kind, mutation, attempt, "");
    }

    private void record(String kind, String mutation, Attempt attempt, String detail) {
        String outcome;
        try {
            attempt.run();
            outcome = "accepted";
        } catch (Exception e) {
            int status = ExceptionsHelper.status(e).getStatus();
            outcome = String.valueOf(status);
            if (status >= 500) {
                serverErrors.add(kind + " / " + mutation + ": " + e + detail);
            }
        } catch (StackOverflowError | OutOfMemoryError e) {
            outcome = e.getClass().getSimpleName();
            serverErrors.add(kind + " / " + mutation + ": " + e + detail);
        }
        counts.merge(kind + " | " + mutation + " | " + outcome, 1, Integer::sum);
    }

    /** The bodies answered with a 5xx or an error. */
    List<String> serverErrors() {
        return serverErrors;
    }

    /** Whether any mutant was refused with a 400 (a fuzz that refuses nothing tests nothing). */
    boolean anyRefused() {
        return counts.keySet().stream().anyMatch(key -> key.endsWith("| 400"));
    }

    /** One line per kind, mutation and outcome, with its count. */
    String table() {
        return counts.entrySet()
            .stream()
            .map(e -> String.format(Locale.ROOT, "%5d  %s", e.getValue(), e.getKey()))
            .collect(Collectors.joining("\n"));
    }
}

package org.opensearch.multimodal.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A SciFact benchmark's arguments, as {@code -Dbench.args} passes them: {@code --data DIR --models DIR --home DIR
 * [--docs N]} and the benchmark's own {@code --name value} options, split on spaces however Maven joined them.
 */
final class BenchArgs {

    private final Map<String, String> values = new HashMap<>();

    private BenchArgs() {
    }

    /** The arguments a run was given, split on whitespace, without those the pom adds ({@code --data}, {@code --models}, {@code --home} and their values). */
    static List<String> ownArguments(String[] rawArgs) {
        List<String> args = Arrays.stream(rawArgs)
            .flatMap(a -> Arrays.stream(a.trim().split("\\s+")))
            .filter(a -> a.isEmpty() == false)
            .toList();
        List<String> own = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            if (Set.of("--data", "--models", "--home").contains(args.get(i))) {
                i++;
            } else {
                own.add(args.get(i));
            }
        }
        return own;
    }

    /** {@code options}: the benchmark's own options that take a value; anything else is an error. */
    static BenchArgs parse(String[] rawArgs, Set<String> options) {
        List<String> args = Arrays.stream(rawArgs)
            .flatMap(a -> Arrays.stream(a.trim().split("\\s+")))
            .filter(a -> a.isEmpty() == false)
            .toList();
        BenchArgs parsed = new BenchArgs();
        for (int i = 0; i < args.size(); i++) {
            String name = args.get(i);
            boolean known = Set.of("--data", "--models", "--home", "--docs").contains(name) || options.contains(name);
            if (known == false || i + 1 == args.size()) {
                throw new IllegalArgumentException("unknown option or missing value: " + name);
            }
            parsed.values.put(name, args.get(++i));
        }
        return parsed;
    }

    String get(String name, String otherwise) {
        return values.getOrDefault(name, otherwise);
    }

    int intOf(String name, int otherwise) {
        return values.containsKey(name) ? Integer.parseInt(values.get(name)) : otherwise;
    }

    Path models() {
        return Path.of(get("--models", "target/models"));
    }

    Path home() {
        return Path.of(get("--home", "target/bench"));
    }

    /** SciFact from {@code --data}; null, having said so, when it is not there. */
    SciFact sciFact() throws IOException {
        Path data = Path.of(get("--data", "../shared/data/scifact"));
        if (Files.isDirectory(data) == false) {
            System.out.println("SciFact data not found at " + data.toAbsolutePath() + "; nothing to measure.");
            return null;
        }
        return SciFact.load(data);
    }

    /** The first {@code --docs} documents of the corpus (all by default). */
    List<SciFact.Doc> corpus(SciFact sciFact) {
        return sciFact.corpus().subList(0, Math.min(intOf("--docs", Integer.MAX_VALUE), sciFact.corpus().size()));
    }

    /** The cache of bge's dense and token vectors for {@code docs} under {@code --home}, computed first if absent. */
    Path vectorCache(List<SciFact.Doc> docs) throws Exception {
        Path home = home();
        Files.createDirectories(home);
        return SciFactVectorCache.ensure(home, models(), docs);
    }
}

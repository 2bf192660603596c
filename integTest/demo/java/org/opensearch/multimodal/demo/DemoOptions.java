package org.opensearch.multimodal.demo;

import java.nio.file.Path;
import java.util.Locale;

/** The demo's command-line options; {@code scifact} may be null or name a directory that is not there. */
record DemoOptions(Path home, Path models, Path corpus, Path products, Path scifact, int port, boolean once) {

    static DemoOptions parse(String[] args) {
        Path home = Path.of("target/demo");
        Path models = Path.of("target/models");
        Path corpus = Path.of("integTest/demo/corpus/docs.jsonl");
        Path products = Path.of("integTest/demo/products");
        Path scifact = null;
        int port = 9200;
        boolean once = Boolean.getBoolean("demo.once");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--home" -> home = Path.of(args[++i]);
                case "--models" -> models = Path.of(args[++i]);
                case "--corpus" -> corpus = Path.of(args[++i]);
                case "--products" -> products = Path.of(args[++i]);
                case "--scifact" -> scifact = Path.of(args[++i]);
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--once" -> once = true;
                case "" -> {
                    // an unset -Ddemo.args reaches us as one empty argument
                }
                default -> throw new IllegalArgumentException(String.format(Locale.ROOT, "unknown option [%s]", args[i]));
            }
        }
        return new DemoOptions(home, models, corpus, products, scifact, port, once);
    }
}

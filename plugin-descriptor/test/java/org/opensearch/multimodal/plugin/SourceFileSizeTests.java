package org.opensearch.multimodal.plugin;

import org.opensearch.test.OpenSearchTestCase;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Small classes with one job: no main source file of the plugin is longer than a reader takes in at once. */
public final class SourceFileSizeTests extends OpenSearchTestCase {

    static final int MAX_LINES = 450;
    private static final List<String> MAIN_ROOTS = List.of(
        "src/main/java",
        "ingest-processors/main/java",
        "query-builders/main/java",
        "rest-handlers/main/java",
        "plugin-descriptor/main/java"
    );

    public void testNoMainSourceFileIsLongerThanTheLimit() throws IOException {
        Path root = Path.of("").toAbsolutePath(); // tests run from the repository root
        List<String> tooLong = new ArrayList<>();
        int files = 0;
        for (String main : MAIN_ROOTS) {
            try (Stream<Path> sources = Files.walk(root.resolve(main))) {
                for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                    files++;
                    long lines;
                    try (Stream<String> text = Files.lines(source)) {
                        lines = text.count();
                    }
                    if (lines > MAX_LINES) {
                        tooLong.add(root.relativize(source) + " (" + lines + " lines)");
                    }
                }
            }
        }
        assertTrue("read only " + files + " main sources from " + root, files > 150);
        assertTrue("over " + MAX_LINES + " lines: " + tooLong, tooLong.isEmpty());
    }
}

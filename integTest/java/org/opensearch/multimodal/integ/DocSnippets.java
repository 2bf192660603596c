package org.opensearch.multimodal.integ;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The REST requests a documentation page shows: every fenced code block whose first line is a method and a path
 * ({@code GET docs/_search}) followed by its body. An HTML comment on the line before the block directs the test
 * ({@code <!-- snippet: ... -->}): {@code setup=NAME} runs {@code integTest/doc-snippets/NAME.http} first (requests
 * in the same form, separated by blank lines; an NDJSON body for {@code _bulk}), {@code skip: REASON} leaves the
 * request out, saying why. Fragments (a block starting with a JSON key) are not requests and are not run.
 */
final class DocSnippets {

    private static final Pattern FENCE = Pattern.compile("(?s)```[a-z]*\\n(.*?)```");
    private static final Pattern REQUEST_LINE = Pattern.compile("(GET|PUT|POST|DELETE|HEAD) (\\S+)");
    private static final Pattern DIRECTIVE = Pattern.compile("<!-- snippet: (.*?) -->\\s*$");

    /** One request: where it is written, and what the test should do around it. */
    record Snippet(String page, int line, String method, String path, String body, String setup, String skipReason) {

        String where() {
            return page + ":" + line + " " + method + " " + path;
        }
    }

    private DocSnippets() {
    }

    /** The requests of {@code page} (a Markdown file), in the order written. */
    static List<Snippet> of(Path page) throws IOException {
        String text = Files.readString(page, StandardCharsets.UTF_8);
        List<Snippet> snippets = new ArrayList<>();
        Matcher fence = FENCE.matcher(text);
        while (fence.find()) {
            String block = fence.group(1).strip();
            Matcher request = REQUEST_LINE.matcher(block.lines().findFirst().orElse(""));
            if (request.matches() == false) {
                continue;
            }
            String before = text.substring(0, fence.start());
            String previousLine = before.stripTrailing().lines().reduce((a, b) -> b).orElse("");
            String setup = null;
            String skip = null;
            Matcher directive = DIRECTIVE.matcher(previousLine);
            if (directive.find()) {
                String value = directive.group(1).strip();
                if (value.startsWith("setup=")) {
                    setup = value.substring("setup=".length()).strip();
                } else if (value.startsWith("skip:")) {
                    skip = value.substring("skip:".length()).strip();
                } else {
                    throw new IllegalArgumentException(page + ": unknown snippet directive [" + value + "]");
                }
            }
            int line = (int) before.lines().count() + 1;
            String body = block.substring(block.indexOf('\n') + 1).strip();
            snippets.add(
                new Snippet(
                    page.getFileName().toString(),
                    line,
                    request.group(1),
                    path(request.group(2)),
                    block.contains("\n") ? body : null,
                    setup,
                    skip
                )
            );
        }
        return snippets;
    }

    /** The requests of a setup file: blocks separated by blank lines, each a request line and its body. */
    static List<Snippet> setup(Path file) throws IOException {
        List<Snippet> requests = new ArrayList<>();
        String name = file.getFileName().toString();
        int line = 1;
        for (String block : Files.readString(file, StandardCharsets.UTF_8).split("\\n\\s*\\n")) {
            String trimmed = block.strip();
            if (trimmed.isEmpty() == false) {
                Matcher request = REQUEST_LINE.matcher(trimmed.lines().findFirst().orElse(""));
                if (request.matches() == false) {
                    throw new IllegalArgumentException(name + ":" + line + ": not a request line");
                }
                String body = trimmed.contains("\n") ? trimmed.substring(trimmed.indexOf('\n') + 1) + "\n" : null;
                requests.add(new Snippet(name, line, request.group(1), path(request.group(2)), body, null, null));
            }
            line += (int) block.lines().count() + 1;
        }
        return requests;
    }

    private static String path(String written) {
        return written.startsWith("/") ? written : "/" + written;
    }
}

package org.opensearch.multimodal.demo;

import java.io.PrintStream;
import java.util.Locale;

/** A one-line text progress bar. */
final class ProgressBar {

    private static final int WIDTH = 30;

    private final PrintStream out;
    private final String label;
    private final int total;
    private final long startNanos = System.nanoTime();
    private int done;

    ProgressBar(PrintStream out, String label, int total) {
        this.out = out;
        this.label = label;
        this.total = total;
        draw();
    }

    void advance(int count) {
        done += count;
        draw();
    }

    void done() {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        out.printf(Locale.ROOT, "  %.1f s, %.1f docs/s%n", seconds, done / Math.max(seconds, 1e-9));
    }

    private void draw() {
        int filled = total == 0 ? WIDTH : done * WIDTH / total;
        out.printf(Locale.ROOT, "\r%s [%s%s] %d/%d", label, "#".repeat(filled), " ".repeat(WIDTH - filled), done, total);
    }
}

package org.opensearch.multimodal.demo;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A demo or benchmark node that cannot start says so in one line (what went wrong, what to do) instead of a stack trace
 * that ends in a temp path; the trace goes to a file the line names.
 */
public final class LaunchFailure {

    private LaunchFailure() {
    }

    /** Prints the one line to stderr, keeps the trace under {@code logDir}, and returns the exit status to use. */
    public static int report(String what, String portAdvice, Throwable failure, Path logDir) {
        String trace = traceFile(failure, logDir);
        String line = explain(failure, portAdvice);
        System.err.printf(Locale.ROOT, "%s could not run: %s%s%n", what, line, trace == null ? "" : " (stack trace: " + trace + ")");
        return 1;
    }

    /** What went wrong and what to do, from the innermost cause a user can act on. */
    static String explain(Throwable failure, String portAdvice) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return "the port is already in use (" + t.getMessage() + "): stop what listens there" + portAdvice;
            }
            if (t instanceof NoSuchFileException missing) {
                return "a file or folder it needs is missing: " + missing.getFile()
                    + ". Run it through ./mvnw from the project root, which builds target/models first";
            }
            if (t instanceof AccessDeniedException denied) {
                return "no permission to use " + denied.getFile() + ": run it as a user who may write under target/";
            }
            String message = String.valueOf(t.getMessage());
            if (message.contains("failed to obtain node locks")) {
                return "another node is already running on the same data folder: stop it (Ctrl-C in its terminal) and try again";
            }
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    private static String traceFile(Throwable failure, Path logDir) {
        StringWriter text = new StringWriter();
        failure.printStackTrace(new PrintWriter(text));
        try {
            Path file = Files.createDirectories(logDir).resolve("launch-failure.txt");
            Files.writeString(file, text.toString(), StandardCharsets.UTF_8);
            return file.toString();
        } catch (IOException e) {
            return null;
        }
    }
}

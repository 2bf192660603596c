package org.opensearch.multimodal.integ;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The embedded demo ({@code DemoNode}, what {@code ./mvnw -Pdemo package} runs) in a JVM of its own on a free port,
 * as a person starts it: ready when it prints the search page's URL and waits for Ctrl-C. Its output goes to
 * {@code demo.out} in its home directory.
 */
final class DemoProcess implements AutoCloseable {

    private static final Pattern PAGE_URL = Pattern.compile("Search page: (http://\\S+)");

    private final Process process;
    private final String pageUrl;

    private DemoProcess(Process process, String pageUrl) {
        this.process = process;
        this.pageUrl = pageUrl;
    }

    static DemoProcess start(Path home) throws IOException, InterruptedException {
        Process process = launch(home, freePort(), builtModels());
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> copyOutput(process, home.resolve("demo.out"), ready), "demo-output");
        reader.setDaemon(true);
        reader.start();
        try {
            return new DemoProcess(process, ready.get(240, TimeUnit.SECONDS));
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            throw new IllegalStateException("the demo did not become ready; see " + home.resolve("demo.out"), e);
        }
    }

    /** What a demo that stopped by itself printed (stdout and stderr together) and its exit status. */
    record Exit(int status, List<String> output) {
    }

    /** Runs the demo on {@code port} with the built-in models from {@code models} until it exits by itself. */
    static Exit runUntilExit(Path home, int port, Path models) throws IOException, InterruptedException {
        Process process = launch(home, port, models);
        List<String> output;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            output = in.lines().toList();
        }
        if (process.waitFor(240, TimeUnit.SECONDS) == false) {
            process.destroyForcibly();
            throw new IllegalStateException("the demo did not exit; it printed: " + output);
        }
        return new Exit(process.exitValue(), output);
    }

    private static Process launch(Path home, int port, Path models) throws IOException {
        Files.createDirectories(home);
        Path demoDir = Path.of(System.getProperty("tests.demo.dir", "integTest/demo"));
        String javaBinary = Path.of(System.getProperty("tests.opensearch.java.home", System.getProperty("java.home")), "bin", "java")
            .toString();
        ProcessBuilder builder = new ProcessBuilder(
            List.of(
                javaBinary,
                "-Xms512m",
                "-Xmx512m",
                "-Djava.io.tmpdir=" + Files.createDirectories(home.resolve("tmp")),
                "-Dlog4j2.disable.jmx=true",
                "--enable-native-access=ALL-UNNAMED",
                "--add-modules=jdk.incubator.vector",
                "org.opensearch.multimodal.demo.DemoNode",
                "--home",
                home.toString(),
                "--models",
                models.toString(),
                "--corpus",
                demoDir.resolve("corpus").resolve("docs.jsonl").toString(),
                "--products",
                demoDir.resolve("products").toString(),
                "--scifact",
                Path.of(System.getProperty("tests.shared.data", "../shared/data")).resolve("scifact").toString(),
                "--port",
                String.valueOf(port)
            )
        ).redirectErrorStream(true);
        // the classpath travels in the environment: ONNX Runtime's native init fails on a very long command line
        String dependencies = Files.readString(Path.of(System.getProperty("tests.node.classpath.file", "target/node.classpath"))).trim();
        builder.environment().put("CLASSPATH", System.getProperty("tests.node.classpath") + File.pathSeparator + dependencies);
        return builder.start();
    }

    /** Copies the demo's output to a file; completes {@code ready} with the page URL once the demo waits for Ctrl-C. */
    private static void copyOutput(Process process, Path log, CompletableFuture<String> ready) {
        String url = null;
        try (
            BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)
        ) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                out.println(line);
                Matcher m = PAGE_URL.matcher(line);
                if (m.find()) {
                    url = m.group(1);
                }
                if (line.startsWith("Press Ctrl-C to stop.") && url != null) {
                    ready.complete(url);
                }
            }
        } catch (IOException e) {
            ready.completeExceptionally(new UncheckedIOException(e));
        }
        ready.completeExceptionally(new IllegalStateException("the demo's output ended before it was ready"));
    }

    /** The built-in models as the build unpacked them. */
    static Path builtModels() {
        return Path.of(System.getProperty("tests.models.dir", "target/models"));
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The URL the demo printed for its search page. */
    String pageUrl() {
        return pageUrl;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy(); // SIGTERM: the demo's shutdown hook closes the node
        if (process.waitFor(60, TimeUnit.SECONDS) == false) {
            process.destroyForcibly();
        }
    }
}

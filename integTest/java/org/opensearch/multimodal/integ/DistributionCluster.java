package org.opensearch.multimodal.integ;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * A real OpenSearch distribution with the plugin zip installed, run as separate processes on loopback: one node
 * ({@code discovery.type: single-node}) or a small cluster. Close it (try-with-resources) to stop the nodes; a shutdown
 * hook stops them too if the test JVM exits first, and nodes left behind by a killed JVM are stopped on the next run.
 *
 * <p>System properties: {@value #DISTRIBUTION_ZIP_PROPERTY}, {@value #PLUGIN_ZIP_PROPERTY}, {@value #INTEG_DIR_PROPERTY}
 * (all required), {@value #JAVA_HOME_PROPERTY} (default: the test JVM's java.home), {@value #RUN_AS_USER_PROPERTY}
 * (default {@value #DEFAULT_RUN_AS_USER}, only used when the tests run as root).
 *
 * <p>Layout under the integ dir: {@code install/opensearch-<version>} is the one shared home (its plugins dir is
 * what every node loads), {@code clusters/<name>/node-<i>/{config,data,logs,tmp,console.log}} is per node. Both are
 * wiped when the next test JVM starts, not on close, so a failed run's logs stay for a post-mortem.
 */
public final class DistributionCluster implements AutoCloseable {

    public static final String PLUGIN_NAME = "opensearch-multimodal";

    public static final String DISTRIBUTION_ZIP_PROPERTY = "tests.distribution.zip";
    public static final String PLUGIN_ZIP_PROPERTY = "tests.plugin.zip";
    public static final String INTEG_DIR_PROPERTY = "tests.integ.dir";
    public static final String JAVA_HOME_PROPERTY = "tests.opensearch.java.home";
    public static final String RUN_AS_USER_PROPERTY = "tests.integ.user";
    public static final String DEFAULT_RUN_AS_USER = "opensearch-it";

    private static final String HEAP = "512m";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(120);
    private static final int LOG_TAIL_LINES = 60;
    private static final Pattern CLUSTER_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*");
    private static final List<String> RUNUSER_PATHS = List.of("/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser", "/bin/runuser");
    /** The build's JVM tuning must not leak into the nodes (the launcher would apply it to every java it starts). */
    private static final List<String> SCRUBBED_ENV = List.of(
        "JAVA_TOOL_OPTIONS",
        "JDK_JAVA_OPTIONS",
        "_JAVA_OPTIONS",
        "JAVA_OPTS",
        "OPENSEARCH_HOME",
        "OPENSEARCH_PATH_CONF",
        "OPENSEARCH_JAVA_OPTS",
        "OPENSEARCH_TMPDIR"
    );

    private static Installation installation; // guarded by DistributionCluster.class

    private final String name;
    private final Installation install;
    private final List<Node> nodes;
    private final Thread shutdownHook;
    private boolean closed; // guarded by this

    private DistributionCluster(String name, Installation install, List<Node> nodes) {
        this.name = name;
        this.install = install;
        this.nodes = List.copyOf(nodes);
        this.shutdownHook = new Thread(this::close, "stop-opensearch-" + name);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Starts {@code nodeCount} nodes named {@code <clusterName>-<i>} and waits until all of them see a green cluster. The
     * name is also the cluster's dir: give clusters that run at the same time different names.
     */
    public static DistributionCluster start(String clusterName, int nodeCount) throws IOException {
        return start(clusterName, nodeCount, Map.of());
    }

    /** As {@link #start(String, int)}, with extra opensearch.yml settings (they win over the harness's). */
    public static DistributionCluster start(String clusterName, int nodeCount, Map<String, Object> extraSettings) throws IOException {
        return start(clusterName, nodeCount, extraSettings, (node, config) -> {
        });
    }

    /** What a test puts into a node's config dir before the node starts (e.g. a model under multimodal/models/). */
    @FunctionalInterface
    public interface NodeConfigurer {

        void configure(int node, Path configDir) throws IOException;
    }

    /**
     * As {@link #start(String, int, Map)}; {@code configurer} runs for each node once its config dir is written and
     * before the node's files are handed to the node user.
     */
    public static DistributionCluster start(String clusterName, int nodeCount, Map<String, Object> extraSettings, NodeConfigurer configurer)
        throws IOException {
        if (CLUSTER_NAME.matcher(clusterName).matches() == false || nodeCount < 1) {
            throw new IllegalArgumentException(
                String.format(Locale.ROOT, "bad cluster name [%s] or node count [%d]", clusterName, nodeCount)
            );
        }
        Installation install = installation();
        Path clusterDir = install.root().resolve("clusters").resolve(clusterName);
        deleteRecursively(clusterDir);

        List<Integer> ports = freePorts(2 * nodeCount);
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < nodeCount; i++) {
            nodes.add(new Node(clusterName + "-" + i, clusterDir.resolve("node-" + i), ports.get(2 * i), ports.get(2 * i + 1)));
        }
        for (int i = 0; i < nodeCount; i++) {
            writeNodeConfig(install, clusterName, nodes.get(i), nodes, extraSettings);
            configurer.configure(i, nodes.get(i).config());
        }
        if (install.runAsUser() != null) {
            allowTraversal(clusterDir);
            chown(install.runAsUser(), clusterDir);
        }

        DistributionCluster cluster = new DistributionCluster(clusterName, install, nodes);
        try {
            for (Node node : nodes) {
                node.process = launch(install, node);
                Files.writeString(node.dir.resolve(Node.LAUNCHER_PID_FILE), Long.toString(node.process.pid()), StandardCharsets.UTF_8);
            }
            cluster.waitUntilHealthy();
            return cluster;
        } catch (IOException | RuntimeException | Error e) {
            try {
                cluster.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    public static Path distributionZip() {
        return requiredFile(DISTRIBUTION_ZIP_PROPERTY);
    }

    public static Path pluginZip() {
        return requiredFile(PLUGIN_ZIP_PROPERTY);
    }

    public String name() {
        return name;
    }

    public int size() {
        return nodes.size();
    }

    /** The shared OpenSearch home (bin/, lib/, plugins/). */
    public Path home() {
        return install.home();
    }

    public String nodeName(int node) {
        return nodes.get(node).name;
    }

    public URI httpUri(int node) {
        return nodes.get(node).httpUri();
    }

    public List<URI> httpUris() {
        return nodes.stream().map(Node::httpUri).toList();
    }

    public RestClientHelper client(int node) {
        return new RestClientHelper(httpUri(node));
    }

    /** The node's own config dir (OPENSEARCH_PATH_CONF); {@code multimodal/models/} exists in it. */
    public Path configDir(int node) {
        return nodes.get(node).config();
    }

    public String logTail(int node) {
        return nodes.get(node).logTail(LOG_TAIL_LINES);
    }

    /** Every node's console log tail, for failure messages. */
    public String logTails() {
        return nodes.stream().map(n -> n.logTail(LOG_TAIL_LINES)).collect(Collectors.joining(System.lineSeparator()));
    }

    /**
     * SIGKILLs node {@code node}'s JVM (no shutdown: nothing flushed, no goodbye to the cluster, as when a machine dies)
     * and waits until it and its launcher are gone.
     */
    public synchronized void kill(int node) {
        Node target = nodes.get(node);
        List<ProcessHandle> tree = new ArrayList<>(target.process.descendants().toList());
        tree.forEach(ProcessHandle::destroyForcibly); // the JVM first: runuser would otherwise signal it itself
        tree.add(target.process.toHandle());
        for (ProcessHandle handle : tree) {
            stopProcess(handle, STOP_TIMEOUT);
        }
    }

    /** Starts a killed node again on its own config and data, and waits until every node is in and the cluster green. */
    public synchronized void restart(int node) throws IOException {
        Node target = nodes.get(node);
        if (target.process != null && target.process.isAlive()) {
            throw new IllegalStateException("node [" + target.name + "] is still running");
        }
        target.process = launch(install, target);
        Files.writeString(target.dir.resolve(Node.LAUNCHER_PID_FILE), Long.toString(target.process.pid()), StandardCharsets.UTF_8);
        waitUntilHealthy();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        // SIGTERM every node first so they shut down in parallel, then wait for each
        for (Node node : nodes) {
            node.signalStop();
        }
        for (Node node : nodes) {
            node.awaitStop();
        }
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down; the hook finds the cluster closed
            }
        }
    }

    private void waitUntilHealthy() throws IOException {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        String health = String.format(Locale.ROOT, "/_cluster/health?wait_for_nodes=%d&wait_for_status=green&timeout=5s", nodes.size());
        for (Node node : nodes) {
            RestClientHelper client = new RestClientHelper(node.httpUri());
            String lastAnswer = "no answer yet";
            while (true) {
                if (node.process.isAlive() == false) {
                    throw new IllegalStateException(
                        String.format(
                            Locale.ROOT,
                            "node [%s] of cluster [%s] exited with code %d while starting%n%s",
                            node.name,
                            name,
                            node.process.exitValue(),
                            logTails()
                        )
                    );
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException(
                        String.format(
                            Locale.ROOT,
                            "cluster [%s] not green with %d nodes within %ds; node [%s] last said: %s%n%s",
                            name,
                            nodes.size(),
                            START_TIMEOUT.toSeconds(),
                            node.name,
                            lastAnswer,
                            logTails()
                        )
                    );
                }
                try {
                    RestClientHelper.Response response = client.request("GET", health, null, Duration.ofSeconds(15));
                    if (response.status() == 200 && Boolean.FALSE.equals(response.map().get("timed_out"))) {
                        break;
                    }
                    lastAnswer = response.status() + " " + response.body();
                } catch (IOException e) {
                    if (e instanceof InterruptedIOException) {
                        throw e;
                    }
                    lastAnswer = e.toString(); // not listening yet
                }
                sleep(Duration.ofMillis(500));
            }
        }
    }

    // ---- installation: once per JVM ----

    /** The unpacked distribution with the plugin installed, and who the nodes run as (null: the current user). */
    private record Installation(Path root, Path home, Path javaHome, String runAsUser, Path runuser) {
    }

    private static synchronized Installation installation() throws IOException {
        if (installation == null) {
            installation = install();
        }
        return installation;
    }

    private static Installation install() throws IOException {
        Path distributionZip = distributionZip();
        Path pluginZip = pluginZip();
        Path root = requiredPath(INTEG_DIR_PROPERTY);
        Path javaHome = Path.of(System.getProperty(JAVA_HOME_PROPERTY, System.getProperty("java.home"))).toAbsolutePath();
        if (Files.isExecutable(javaHome.resolve("bin").resolve("java")) == false) {
            throw new IllegalStateException("no bin/java under " + javaHome + " (set -D" + JAVA_HOME_PROPERTY + " to a JDK 21+)");
        }
        Optional<Path> runuser = RUNUSER_PATHS.stream().map(Path::of).filter(Files::isExecutable).findFirst();
        String runAsUser = resolveRunAsUser(runuser.isPresent());

        Files.createDirectories(root);
        Path clusters = root.resolve("clusters");
        stopLeftoverNodes(clusters);
        deleteRecursively(clusters);
        Path installRoot = root.resolve("install");
        deleteRecursively(installRoot);
        Path home = unzip(distributionZip, installRoot);

        Map<String, String> env = nodeEnv(javaHome);
        String pluginCli = home.resolve("bin").resolve("opensearch-plugin").toString();
        CommandResult installed = exec(List.of(pluginCli, "install", "--batch", pluginZip.toUri().toString()), home, env);
        if (installed.exitCode() != 0 || Files.isDirectory(home.resolve("plugins").resolve(PLUGIN_NAME)) == false) {
            throw new IllegalStateException(
                String.format(
                    Locale.ROOT,
                    "opensearch-plugin install of %s failed (exit %d):%n%s",
                    pluginZip,
                    installed.exitCode(),
                    installed.output()
                )
            );
        }

        if (runAsUser != null) {
            allowTraversal(installRoot);
            chown(runAsUser, installRoot);
            Files.createDirectories(clusters);
            allowTraversal(clusters);
            String java = javaHome.resolve("bin").resolve("java").toString();
            CommandResult canRunJava = exec(List.of(runuser.get().toString(), "-u", runAsUser, "--", java, "-version"), root, env);
            if (canRunJava.exitCode() != 0) {
                throw new IllegalStateException(
                    String.format(
                        Locale.ROOT,
                        "user %s cannot run %s (make the JDK readable by it):%n%s",
                        runAsUser,
                        java,
                        canRunJava.output()
                    )
                );
            }
        }
        return new Installation(root, home, javaHome, runAsUser, runuser.orElse(null));
    }

    /** OpenSearch refuses to run as root: as root, run the nodes as a dedicated system user, creating it if missing. */
    private static String resolveRunAsUser(boolean hasRunuser) throws IOException {
        CommandResult uid = exec(List.of("id", "-u"), null, Map.of());
        if (uid.exitCode() != 0) {
            throw new IllegalStateException("cannot tell who runs the tests, `id -u` failed: " + uid.output());
        }
        if ("0".equals(uid.output().strip()) == false) {
            return null;
        }
        if (hasRunuser == false) {
            throw new IllegalStateException(
                "the integration tests run as root, OpenSearch refuses to start as root, and runuser "
                    + "(util-linux) is not installed: install util-linux or run the build as a non-root user"
            );
        }
        String user = System.getProperty(RUN_AS_USER_PROPERTY, DEFAULT_RUN_AS_USER);
        if (exec(List.of("id", "-u", user), null, Map.of()).exitCode() == 0) {
            return user;
        }
        List<String> useradd = List.of("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", user);
        CommandResult added = exec(useradd, null, Map.of());
        // a concurrent build may have created it in between
        if (added.exitCode() != 0 && exec(List.of("id", "-u", user), null, Map.of()).exitCode() != 0) {
            throw new IllegalStateException(
                String.format(
                    Locale.ROOT,
                    "the integration tests run as root, OpenSearch refuses to start as "
                        + "root, and creating the system user [%s] failed (exit %d: %s); create it (useradd --system %s) or run the build as a "
                        + "non-root user",
                    user,
                    added.exitCode(),
                    added.output().strip(),
                    user
                )
            );
        }
        return user;
    }

    /** Unpacks the zip and returns the OpenSearch home inside it (the zip's single top-level dir). */
    private static Path unzip(Path zip, Path target) throws IOException {
        Files.createDirectories(target);
        Set<PosixFilePermission> executable = PosixFilePermissions.fromString("rwxr-xr-x");
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                Path path = target.resolve(entry.getName()).normalize();
                if (path.startsWith(target) == false) {
                    throw new IOException("zip entry escapes the target dir: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(path);
                    continue;
                }
                Files.createDirectories(path.getParent());
                Files.copy(in, path, StandardCopyOption.REPLACE_EXISTING);
                // ZipInputStream drops unix modes; only the launch scripts need the executable bit
                if (path.getParent().getFileName().toString().equals("bin")) {
                    Files.setPosixFilePermissions(path, executable);
                }
            }
        }
        try (Stream<Path> children = Files.list(target)) {
            return children.filter(p -> Files.isRegularFile(p.resolve("bin").resolve("opensearch")))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no bin/opensearch in any top-level dir of " + zip));
        }
    }

    // ---- nodes ----

    private static void writeNodeConfig(Installation install, String clusterName, Node node, List<Node> all, Map<String, Object> extra)
        throws IOException {
        copyRecursively(install.home().resolve("config"), node.config());
        Files.createDirectories(node.config().resolve("multimodal").resolve("models"));
        Files.createDirectories(node.data());
        Files.createDirectories(node.logs());
        Files.createDirectories(node.tmp());

        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("cluster.name", clusterName);
        settings.put("node.name", node.name);
        settings.put("path.data", node.data().toString());
        settings.put("path.logs", node.logs().toString());
        settings.put("network.host", "127.0.0.1");
        settings.put("http.port", node.httpPort);
        settings.put("transport.port", node.transportPort);
        if (all.size() == 1) {
            settings.put("discovery.type", "single-node");
        } else {
            settings.put("discovery.seed_hosts", all.stream().map(n -> "127.0.0.1:" + n.transportPort).toList());
            settings.put("cluster.initial_cluster_manager_nodes", all.stream().map(n -> n.name).toList());
        }
        // a nearly full CI disk must not turn the cluster yellow
        settings.put("cluster.routing.allocation.disk.threshold_enabled", false);
        settings.putAll(extra);

        String newline = System.lineSeparator();
        StringBuilder yml = new StringBuilder(newline).append("# written by DistributionCluster").append(newline);
        for (Map.Entry<String, Object> setting : settings.entrySet()) {
            // JSON scalars and arrays are valid YAML flow values, and quoting keeps paths and names literal
            yml.append(setting.getKey()).append(": ").append(RestClientHelper.toJson(setting.getValue())).append(newline);
        }
        Files.writeString(node.config().resolve("opensearch.yml"), yml, StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        // jvm.options uses paths relative to the working dir: point them at this node (gc.log, hs_err, heap dumps) and
        // at the shared home (the security agent), so the nodes do not write into one shared logs/ dir
        Path jvmOptions = node.config().resolve("jvm.options");
        String options = Files.readString(jvmOptions, StandardCharsets.UTF_8)
            .replace("-javaagent:agent/", "-javaagent:" + install.home().resolve("agent") + "/")
            .replace("file=logs/gc.log", "file=" + node.logs().resolve("gc.log"))
            .replace("-XX:ErrorFile=logs/", "-XX:ErrorFile=" + node.logs() + "/")
            .replace("-XX:HeapDumpPath=data", "-XX:HeapDumpPath=" + node.logs());
        Files.writeString(jvmOptions, options, StandardCharsets.UTF_8);
    }

    private static Process launch(Installation install, Node node) throws IOException {
        List<String> command = new ArrayList<>();
        if (install.runAsUser() != null) {
            command.addAll(List.of(install.runuser().toString(), "-u", install.runAsUser(), "--"));
        }
        command.add(install.home().resolve("bin").resolve("opensearch").toString());
        command.addAll(List.of("-p", node.pidFile().toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
            // bin/opensearch calls bin/opensearch-keystore by a relative path
            .directory(install.home().toFile())
            .redirectErrorStream(true)
            .redirectOutput(node.console().toFile());
        Map<String, String> env = builder.environment();
        SCRUBBED_ENV.forEach(env::remove);
        env.putAll(nodeEnv(install.javaHome()));
        env.put("OPENSEARCH_PATH_CONF", node.config().toString());
        env.put("OPENSEARCH_TMPDIR", node.tmp().toString());
        env.put("OPENSEARCH_JAVA_OPTS", String.format(Locale.ROOT, "-Xms%s -Xmx%s", HEAP, HEAP));
        return builder.start();
    }

    private static Map<String, String> nodeEnv(Path javaHome) {
        return Map.of("OPENSEARCH_JAVA_HOME", javaHome.toString());
    }

    /**
     * Stops nodes a killed test JVM left behind: the launcher's pid (written at once) and the node's own pid file (written
     * once it bootstraps), but only processes whose command line names that node's dir.
     */
    private static void stopLeftoverNodes(Path clusters) throws IOException {
        if (Files.isDirectory(clusters) == false) {
            return;
        }
        List<Path> pidFiles;
        try (Stream<Path> files = Files.find(clusters, 3, (p, a) -> Node.PID_FILES.contains(p.getFileName().toString()))) {
            pidFiles = files.toList();
        }
        for (Path pidFile : pidFiles) {
            String nodeDir = pidFile.getParent().toString() + "/";
            long pid;
            try {
                pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).strip());
            } catch (NumberFormatException | IOException e) {
                continue;
            }
            Optional<ProcessHandle> leftover = ProcessHandle.of(pid)
                .filter(p -> p.info().commandLine().map(c -> c.contains(nodeDir)).orElse(false));
            if (leftover.isPresent()) {
                List<ProcessHandle> tree = new ArrayList<>(leftover.get().descendants().toList());
                tree.add(leftover.get());
                tree.forEach(p -> stopProcess(p, STOP_TIMEOUT));
            }
        }
    }

    private static void stopProcess(ProcessHandle process, Duration timeout) {
        process.destroy();
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        } catch (Exception e) {
            process.destroyForcibly();
        }
    }

    /** One node's ports, directories and process. */
    private static final class Node {

        static final String PID_FILE = "opensearch.pid";
        static final String LAUNCHER_PID_FILE = "launcher.pid";
        static final Set<String> PID_FILES = Set.of(PID_FILE, LAUNCHER_PID_FILE);

        final String name;
        final Path dir;
        final int httpPort;
        final int transportPort;
        Process process;
        private List<ProcessHandle> stopping = List.of();

        Node(String name, Path dir, int httpPort, int transportPort) {
            this.name = name;
            this.dir = dir;
            this.httpPort = httpPort;
            this.transportPort = transportPort;
        }

        URI httpUri() {
            return URI.create("http://127.0.0.1:" + httpPort);
        }

        Path config() {
            return dir.resolve("config");
        }

        Path data() {
            return dir.resolve("data");
        }

        Path logs() {
            return dir.resolve("logs");
        }

        Path tmp() {
            return dir.resolve("tmp");
        }

        Path console() {
            return dir.resolve("console.log");
        }

        Path pidFile() {
            return dir.resolve(PID_FILE);
        }

        /**
         * SIGTERM the JVM (a child of runuser) before its parent: runuser answers SIGTERM by SIGKILLing its child after
         * two seconds, which would cut a node's clean shutdown short.
         */
        void signalStop() {
            if (process == null || process.isAlive() == false) {
                return;
            }
            List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
            tree.add(process.toHandle());
            tree.forEach(ProcessHandle::destroy);
            stopping = tree;
        }

        void awaitStop() {
            for (ProcessHandle handle : stopping) {
                stopProcess(handle, STOP_TIMEOUT);
            }
        }

        String logTail(int lines) {
            String header = String.format(Locale.ROOT, "---- %s: last %d lines of %s ----", name, lines, console());
            try {
                // decode leniently: a node may die mid-way through writing a character
                List<String> all = List.of(new String(Files.readAllBytes(console()), StandardCharsets.UTF_8).split("\\R"));
                List<String> tail = all.subList(Math.max(0, all.size() - lines), all.size());
                return header + System.lineSeparator() + String.join(System.lineSeparator(), tail);
            } catch (IOException e) {
                return header + System.lineSeparator() + "(unreadable: " + e + ")";
            }
        }
    }

    // ---- files and processes ----

    private record CommandResult(int exitCode, String output) {
    }

    private static CommandResult exec(List<String> command, Path workingDir, Map<String, String> extraEnv) throws IOException {
        Path output = Files.createTempFile("integ-exec", ".log");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
            if (workingDir != null) {
                builder.directory(workingDir.toFile());
            }
            SCRUBBED_ENV.forEach(builder.environment()::remove);
            builder.environment().putAll(extraEnv);
            Process process = builder.start();
            try {
                if (process.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) == false) {
                    process.destroyForcibly();
                    throw new IOException(
                        String.format(
                            Locale.ROOT,
                            "%s did not finish within %ds: %s",
                            command,
                            COMMAND_TIMEOUT.toSeconds(),
                            Files.readString(output, StandardCharsets.UTF_8)
                        )
                    );
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while running " + command);
            }
            return new CommandResult(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static void chown(String user, Path path) throws IOException {
        CommandResult result = exec(List.of("chown", "-R", user + ":", path.toString()), null, Map.of());
        if (result.exitCode() != 0) {
            throw new IllegalStateException(String.format(Locale.ROOT, "chown -R %s %s failed: %s", user, path, result.output()));
        }
    }

    /** The node user must be able to reach its dirs: add o+x to the path and its parents where missing (o+rx on the path). */
    private static void allowTraversal(Path path) throws IOException {
        Set<PosixFilePermission> own = Files.getPosixFilePermissions(path);
        if (own.containsAll(Set.of(PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_EXECUTE)) == false) {
            own.add(PosixFilePermission.OTHERS_READ);
            own.add(PosixFilePermission.OTHERS_EXECUTE);
            Files.setPosixFilePermissions(path, own);
        }
        for (Path dir = path.getParent(); dir != null; dir = dir.getParent()) {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(dir);
            if (permissions.add(PosixFilePermission.OTHERS_EXECUTE)) {
                Files.setPosixFilePermissions(dir, permissions);
            }
        }
    }

    private static List<Integer> freePorts(int count) throws IOException {
        // hold every socket open until all are picked, so no port is handed out twice
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                sockets.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
            }
            return sockets.stream().map(ServerSocket::getLocalPort).toList();
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }

    private static void copyRecursively(Path source, Path target) throws IOException {
        try (Stream<Path> paths = Files.walk(source)) {
            for (Path from : (Iterable<Path>) paths::iterator) {
                Path to = target.resolve(source.relativize(from).toString());
                if (Files.isDirectory(from)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (Files.exists(path) == false) {
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static Path requiredPath(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + property + " is not set; run the integration tests with mvn verify");
        }
        return Path.of(value).toAbsolutePath().normalize();
    }

    private static Path requiredFile(String property) {
        Path path = requiredPath(property);
        if (Files.isRegularFile(path) == false) {
            throw new IllegalStateException(
                String.format(Locale.ROOT, "%s=%s does not exist; build it first (mvn package)", property, path)
            );
        }
        return path;
    }

    private static void sleep(Duration duration) throws InterruptedIOException {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the cluster");
        }
    }
}

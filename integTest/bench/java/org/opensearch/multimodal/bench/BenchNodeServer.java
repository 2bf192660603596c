package org.opensearch.multimodal.bench;

import org.opensearch.common.settings.Settings;
import org.opensearch.multimodal.plugin.MultimodalPlugin;
import org.opensearch.node.Node;

import java.io.InputStream;
import java.util.Set;

/**
 * One embedded node ({@link BenchNode}) in a JVM of its own, for benchmarks that compare builds side by side: it
 * serves HTTP on {@code --port} until its standard input closes (the parent closed it, or died), then closes the node.
 * Arguments: {@code --home DIR --models DIR --cluster NAME --port N [--repo DIR]} ({@code --repo}: {@code path.repo},
 * for snapshots shared between nodes). Once started it prints {@value #READY} with where the plugin's classes came from,
 * so the parent can check it runs the build it meant to.
 */
public final class BenchNodeServer {

    /** The line's start the parent waits for. */
    static final String READY = "BENCH NODE READY";

    private BenchNodeServer() {
    }

    public static void main(String[] rawArgs) throws Exception {
        BenchArgs args = BenchArgs.parse(rawArgs, Set.of("--cluster", "--port", "--repo"));
        Settings.Builder extra = Settings.builder();
        if (args.get("--repo", null) != null) {
            extra.put("path.repo", args.get("--repo", null));
        }
        Node node = BenchNode.start(
            args.home(),
            args.models(),
            SciFactVectorCache.MODEL,
            args.get("--cluster", "bench-node"),
            args.intOf("--port", 9200),
            0,
            extra.build()
        );
        try {
            System.out.println(
                READY + " port=" + args.intOf("--port", 9200) + " plugin classes="
                    + MultimodalPlugin.class.getProtectionDomain().getCodeSource().getLocation() + " SearchDeadline="
                    + (BenchNodeServer.class.getClassLoader().getResource("org/opensearch/multimodal/query/SearchDeadline.class") != null)
            );
            System.out.flush();
            InputStream in = System.in;
            while (in.read() >= 0) {
                // nothing is sent: the node runs until the stream ends
            }
        } finally {
            node.close();
        }
        System.exit(0);
    }
}

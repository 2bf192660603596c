package org.opensearch.multimodal.bench;

import org.opensearch.analysis.common.CommonAnalysisModulePlugin;
import org.opensearch.common.settings.Settings;
import org.opensearch.index.reindex.ReindexModulePlugin;
import org.opensearch.multimodal.demo.EmbeddedNode;
import org.opensearch.multimodal.model.BuiltinModels;
import org.opensearch.multimodal.plugin.MultimodalPlugin;
import org.opensearch.node.Node;
import org.opensearch.painless.PainlessModulePlugin;
import org.opensearch.transport.Netty4ModulePlugin;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One embedded node for a benchmark: the plugin, netty4, the common analyzers, painless (for comparisons with what users
 * script today), one built-in model in its config.
 */
final class BenchNode {

    private BenchNode() {
    }

    /** {@code inferenceThreads} 0: the node's default for {@code plugins.multimodal.inference.threads}. */
    static Node start(Path home, Path models, String model, String clusterName, int httpPort, int inferenceThreads, Settings extra)
        throws Exception {
        Path absoluteHome = home.toAbsolutePath();
        Path modelRoot = Files.createDirectories(absoluteHome.resolve("config/multimodal/models"));
        BuiltinModels.installInto(modelRoot, models.toAbsolutePath().resolve(model));
        Settings.Builder settings = Settings.builder()
            .put("path.home", absoluteHome.toString())
            .put("path.data", absoluteHome.resolve("data").toString())
            .put("cluster.name", clusterName)
            .put("discovery.type", "single-node")
            .put("network.host", "127.0.0.1")
            .put("http.port", httpPort);
        if (inferenceThreads > 0) {
            settings.put("plugins.multimodal.inference.threads", inferenceThreads);
        }
        settings.put(extra);
        Node node = new EmbeddedNode(
            settings.build(),
            List.of(
                MultimodalPlugin.class,
                Netty4ModulePlugin.class,
                CommonAnalysisModulePlugin.class,
                PainlessModulePlugin.class,
                ReindexModulePlugin.class
            )
        );
        node.start();
        return node;
    }
}

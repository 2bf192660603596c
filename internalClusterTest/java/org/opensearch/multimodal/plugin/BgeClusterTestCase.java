package org.opensearch.multimodal.plugin;

import org.opensearch.multimodal.model.BuiltinModels;
import org.opensearch.plugins.Plugin;
import org.opensearch.test.OpenSearchIntegTestCase;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

/**
 * An in-JVM cluster whose nodes run the plugin and read the built-in bge-small model from their config directory, as an
 * operator-added model would be: what most cluster tests start from. Subclasses add their own {@code ClusterScope}.
 */
public abstract class BgeClusterTestCase extends OpenSearchIntegTestCase {

    @Override
    protected Collection<Class<? extends Plugin>> nodePlugins() {
        return List.of(MultimodalPlugin.class);
    }

    @Override
    protected Path nodeConfigPath(int nodeOrdinal) {
        return BuiltinModels.nodeConfigWith(BuiltinModels.root().resolve(BuiltinModels.BGE_SMALL));
    }
}

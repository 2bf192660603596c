package org.opensearch.multimodal.demo;

import org.opensearch.Version;
import org.opensearch.common.settings.Settings;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;
import org.opensearch.plugins.PluginInfo;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/** A real OpenSearch node in this JVM whose plugins come from the classpath instead of a plugins directory. */
public final class EmbeddedNode extends Node {

    public EmbeddedNode(Settings settings, Collection<Class<? extends Plugin>> plugins) {
        super(InternalSettingsPreparer.prepareEnvironment(settings, Map.of(), null, () -> "demo-node"), infos(plugins), false);
    }

    private static List<PluginInfo> infos(Collection<Class<? extends Plugin>> plugins) {
        return plugins.stream()
            .map(p -> new PluginInfo(p.getName(), "classpath plugin", "NA", Version.CURRENT, "21", p.getName(), null, List.of(), false))
            .toList();
    }
}

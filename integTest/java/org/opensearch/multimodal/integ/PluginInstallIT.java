package org.opensearch.multimodal.integ;

import org.junit.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

/**
 * The plugin zip installs into a real distribution with bin/opensearch-plugin and loads on a single node and on every
 * node of a three-node cluster.
 */
public final class PluginInstallIT {

    /** {@code name-1.2.3.jar}, {@code name-1.2.3-SNAPSHOT.jar}: the artifact name is everything before "-<digit>". */
    private static final Pattern JAR_NAME = Pattern.compile("(.+?)-\\d.*\\.jar");

    @Test
    public void pluginBundlesNoJarTheDistributionAlreadyHas() throws IOException {
        Set<String> core = artifactNames(DistributionCluster.distributionZip(), "^[^/]+/lib/[^/]+\\.jar$");
        Set<String> plugin = artifactNames(DistributionCluster.pluginZip(), "\\.jar$");
        assertTrue("no jars found in the distribution's lib/: " + DistributionCluster.distributionZip(), core.isEmpty() == false);
        Set<String> clashes = new TreeSet<>(plugin);
        clashes.retainAll(core);
        String message = "jar hell: the plugin zip bundles jars the distribution's lib/ already has, exclude them in the pom: %s";
        assertTrue(String.format(Locale.ROOT, message, clashes), clashes.isEmpty());
    }

    @Test
    public void pluginLoadsOnSingleNode() throws IOException {
        try (DistributionCluster cluster = DistributionCluster.start("it-single", 1)) {
            Set<String> withPlugin = nodesWithPlugin(cluster);
            assertEquals(cluster.logTails(), Set.of(cluster.nodeName(0)), withPlugin);
        }
    }

    @Test
    public void pluginLoadsOnEveryNodeOfThreeNodeCluster() throws IOException {
        try (DistributionCluster cluster = DistributionCluster.start("it-three", 3)) {
            RestClientHelper client = cluster.client(0);
            List<Object> catNodes = client.get("/_cat/nodes?format=json&h=name").assertSuccess().list();
            Set<String> nodeNames = catNodes.stream()
                .map(n -> (String) ((Map<?, ?>) n).get("name"))
                .collect(Collectors.toCollection(TreeSet::new));
            assertEquals("_cat/nodes: " + catNodes, Set.of(cluster.nodeName(0), cluster.nodeName(1), cluster.nodeName(2)), nodeNames);
            assertEquals(cluster.logTails(), nodeNames, nodesWithPlugin(cluster));
        }
    }

    /** Names of the nodes whose _cat/plugins row is our plugin. */
    private static Set<String> nodesWithPlugin(DistributionCluster cluster) throws IOException {
        List<Object> rows = cluster.client(0).get("/_cat/plugins?format=json").assertSuccess().list();
        Set<String> nodes = new TreeSet<>();
        for (Object row : rows) {
            Map<?, ?> plugin = (Map<?, ?>) row;
            if (DistributionCluster.PLUGIN_NAME.equals(plugin.get("component"))) {
                nodes.add((String) plugin.get("name"));
            }
        }
        if (nodes.isEmpty()) {
            String message = "%s is not in _cat/plugins: %s%n%s";
            fail(String.format(Locale.ROOT, message, DistributionCluster.PLUGIN_NAME, rows, cluster.logTails()));
        }
        return nodes;
    }

    private static Set<String> artifactNames(Path zip, String entryPattern) throws IOException {
        Pattern entries = Pattern.compile(entryPattern);
        Set<String> names = new TreeSet<>();
        try (ZipFile zipFile = new ZipFile(zip.toFile())) {
            for (Enumeration<? extends ZipEntry> e = zipFile.entries(); e.hasMoreElements();) {
                String entry = e.nextElement().getName();
                if (entries.matcher(entry).find()) {
                    String fileName = entry.substring(entry.lastIndexOf('/') + 1);
                    Matcher versioned = JAR_NAME.matcher(fileName);
                    names.add(versioned.matches() ? versioned.group(1) : fileName.substring(0, fileName.length() - ".jar".length()));
                }
            }
        }
        return names;
    }
}

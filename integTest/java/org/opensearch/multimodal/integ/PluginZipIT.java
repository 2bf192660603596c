package org.opensearch.multimodal.integ;

import org.junit.Test;

import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

/**
 * What bin/opensearch-plugin install gets: the plugin, its own runtime jars (none the distribution has), the model, and
 * in the plugin's jar its pages with the charting library and that library's license.
 */
public final class PluginZipIT {

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
    public void pluginZipCarriesTheDescriptorAndTheBuiltinModels() throws IOException {
        Set<String> entries = new TreeSet<>();
        try (ZipFile zipFile = new ZipFile(DistributionCluster.pluginZip().toFile())) {
            zipFile.stream().forEach(e -> entries.add(e.getName()));
        }
        for (String required : List.of(
            "plugin-descriptor.properties",
            "plugin-security.policy",
            "models/bge-small-en-v1.5/model.onnx",
            "models/bge-small-en-v1.5/tokenizer.json",
            "models/bge-small-en-v1.5/config.json",
            "models/bge-small-en-v1.5/multimodal-model.json",
            "models/bge-small-en-v1.5-fp32/model.onnx",
            "models/bge-small-en-v1.5-fp32/tokenizer.json",
            "models/bge-small-en-v1.5-fp32/config.json",
            "models/bge-small-en-v1.5-fp32/multimodal-model.json"
        )) {
            assertTrue(required + " missing from the zip: " + entries, entries.contains(required));
        }
    }

    @Test
    public void pluginJarCarriesThePagesAndTheChartingLibraryWithItsLicense() throws IOException {
        Set<String> entries = new TreeSet<>();
        try (ZipFile zipFile = new ZipFile(DistributionCluster.pluginZip().toFile())) {
            ZipEntry jar = zipFile.stream()
                .filter(e -> e.getName().matches("opensearch-multimodal-[^/]*\\.jar"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no plugin jar in " + DistributionCluster.pluginZip()));
            try (ZipInputStream in = new ZipInputStream(zipFile.getInputStream(jar))) {
                for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                    entries.add(e.getName());
                }
            }
        }
        for (String required : List.of(
            "ui/index.html",
            "ui/operations.html",
            "ui/relevance.html",
            "ui/vendor/chart.umd.min.js",
            "ui/vendor/chart.js-LICENSE.md"
        )) {
            assertTrue(required + " missing from the plugin jar", entries.contains(required));
        }
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

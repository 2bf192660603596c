package org.opensearch.multimodal.plugin;

import org.opensearch.common.settings.Setting;
import org.opensearch.multimodal.settings.MultimodalSettings;
import org.opensearch.test.OpenSearchTestCase;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The docs cannot name a setting that does not exist: every {@code plugins.multimodal.*} and {@code index.multimodal.*}
 * name in the README and under {@code docs/} is a setting the plugin registers, or the prefix of a group of them (as
 * "the {@code plugins.multimodal.image.*} settings"); and every setting the plugin registers is documented somewhere.
 */
public class DocsNameRealSettingsTests extends OpenSearchTestCase {

    private static final Pattern NAME = Pattern.compile("(?:plugins|index)\\.multimodal\\.[a-z0-9_.]*[a-z0-9_]");

    public void testEverySettingTheDocsNameExistsAndEverySettingIsDocumented() throws IOException {
        Set<String> registered = MultimodalSettings.all().stream().map(Setting::getKey).collect(Collectors.toCollection(TreeSet::new));
        Set<String> named = new TreeSet<>();
        List<String> unknown = new ArrayList<>();
        for (Path page : pages()) {
            Matcher matcher = NAME.matcher(Files.readString(page, StandardCharsets.UTF_8));
            while (matcher.find()) {
                String name = matcher.group();
                named.add(name);
                boolean known = registered.contains(name) || registered.stream().anyMatch(key -> key.startsWith(name + "."));
                if (known == false) {
                    unknown.add(page + ": " + name);
                }
            }
        }
        assertTrue("settings the docs name that the plugin does not register: " + unknown, unknown.isEmpty());
        Set<String> undocumented = new TreeSet<>(registered);
        undocumented.removeAll(named);
        assertTrue("settings no page documents: " + undocumented, undocumented.isEmpty());
    }

    private static List<Path> pages() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(Path.of("README.md")));
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        assertTrue("run from the repository root: " + Path.of("").toAbsolutePath(), Files.exists(pages.get(0)));
        return pages;
    }
}

package org.opensearch.multimodal.integ;

import java.io.File;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Chromium and its chromedriver, as Debian's {@code chromium} and {@code chromium-driver} packages install them, found
 * on the PATH (or given by {@code -Dtests.chromium} and {@code -Dtests.chromedriver}). Selenium is never asked to
 * download a driver: these machines reach no browser mirror.
 */
record BrowserBinaries(Path chromium, Path chromedriver) {

    static final String WHERE = "-Dtests.chromium / -Dtests.chromedriver, or chromium / chromedriver on the PATH";

    /** Both binaries, or null when either is missing. */
    static BrowserBinaries find() {
        Path chromium = locate("tests.chromium", "chromium", "chromium-browser", "google-chrome");
        Path chromedriver = locate("tests.chromedriver", "chromedriver");
        return chromium == null || chromedriver == null ? null : new BrowserBinaries(chromium, chromedriver);
    }

    private static Path locate(String property, String... names) {
        String given = System.getProperty(property);
        if (given != null && given.isBlank() == false) {
            return Files.isExecutable(Path.of(given)) ? Path.of(given) : null;
        }
        List<Path> path = Arrays.stream(System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator))
            .map(Path::of)
            .toList();
        return Arrays.stream(names)
            .flatMap(name -> Stream.concat(path.stream(), Stream.of(Path.of("/usr/bin"))).map(dir -> dir.resolve(name)))
            .filter(Files::isExecutable)
            .findFirst()
            .orElse(null);
    }
}

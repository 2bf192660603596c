package org.opensearch.multimodal.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's resident memory, as Linux reports it: the JVM's heap and its own native memory plus ONNX Runtime's
 * (sessions, weights, the working memory of calls in flight), which no JVM counter sees.
 */
public final class ProcessMemory {

    private static final Path STATUS = Path.of("/proc/self/status");

    private ProcessMemory() {
    }

    /** Resident bytes of this process; -1 where the operating system does not say (not Linux). */
    public static long residentBytes() {
        try {
            for (String line : Files.readAllLines(STATUS, StandardCharsets.US_ASCII)) {
                if (line.startsWith("VmRSS:")) {
                    // "VmRSS:     123456 kB"
                    return Long.parseLong(line.substring("VmRSS:".length(), line.length() - "kB".length()).trim()) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}

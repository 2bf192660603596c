package org.opensearch.multimodal.model;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's resident memory as Linux reports it, beside what the JVM accounts for (heap and non-heap committed,
 * direct buffers). The difference is what no JVM counter or breaker sees: ONNX Runtime's sessions, arenas and calls in
 * flight, the tokenizers' native memory, and the JVM's own untracked overhead (thread stacks, GC structures).
 */
public record ProcessMemory(long residentBytes, long heapCommittedBytes, long nonHeapCommittedBytes, long directBufferBytes) {

    private static final Path STATUS = Path.of("/proc/self/status");

    /** Now; {@code residentBytes} -1 where the operating system does not say (not Linux). */
    public static ProcessMemory now() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long direct = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                direct = pool.getMemoryUsed();
            }
        }
        return new ProcessMemory(
            readResidentBytes(),
            memory.getHeapMemoryUsage().getCommitted(),
            memory.getNonHeapMemoryUsage().getCommitted(),
            direct
        );
    }

    /** Resident bytes outside the JVM's accounts; -1 where the resident size is unknown. */
    public long outsideJvmBytes() {
        return residentBytes < 0 ? -1 : Math.max(0, residentBytes - heapCommittedBytes - nonHeapCommittedBytes - directBufferBytes);
    }

    /** Resident bytes of this process; -1 where the operating system does not say. */
    public static long readResidentBytes() {
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

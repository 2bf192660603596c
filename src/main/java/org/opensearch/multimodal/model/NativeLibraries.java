package org.opensearch.multimodal.model;

import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Prepares the process-wide state the native model libraries read before they first load: DJL must stay offline
 * and unpack its tokenizer library into a writable directory, and it looks its resources up through the
 * thread's context class loader, which on a node thread is not the plugin's.
 */
public final class NativeLibraries {

    private NativeLibraries() {
    }

    /** Call once, before any tokenizer is created. {@code cacheDir} must be writable by the node. */
    public static void configure(Path cacheDir) {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
        System.setProperty("DJL_CACHE_DIR", cacheDir.resolve("djl").toString());
        System.setProperty("ENGINE_CACHE_DIR", cacheDir.resolve("djl").toString());
    }

    /** Runs {@code action} with the plugin's class loader as the thread's context class loader. */
    public static <T> T withPluginClassLoader(Supplier<T> action) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(NativeLibraries.class.getClassLoader());
        try {
            return action.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}

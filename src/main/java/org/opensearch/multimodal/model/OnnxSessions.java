package org.opensearch.multimodal.model;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.multimodal.settings.InferenceDevice;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The node's one ONNX Runtime environment and the device choice every session shares. Each inference call runs on one
 * thread of the plugin's pool, so sessions use one intra-op thread and parallelism comes from the pool.
 */
public final class OnnxSessions {

    private static final Logger logger = LogManager.getLogger(OnnxSessions.class);

    private static final long NATIVE_INIT_STACK_BYTES = 16L * 1024 * 1024;

    private final OrtEnvironment environment;
    private final InferenceDevice requested;
    private final boolean cpuMemoryArena;
    private final AtomicBoolean fallbackLogged = new AtomicBoolean();
    private volatile String effectiveDevice;

    public OnnxSessions(InferenceDevice requested) {
        this(requested, true);
    }

    /** {@code cpuMemoryArena}: see {@code plugins.multimodal.inference.cpu_memory_arena}. */
    public OnnxSessions(InferenceDevice requested, boolean cpuMemoryArena) {
        this.environment = onLargeStack(OrtEnvironment::getEnvironment);
        this.requested = requested;
        this.cpuMemoryArena = cpuMemoryArena;
        this.effectiveDevice = cudaAvailable() && requested != InferenceDevice.CPU ? "cuda" : "cpu";
    }

    public OrtEnvironment environment() {
        return environment;
    }

    /** Whether sessions keep a CPU memory arena. */
    public boolean cpuMemoryArena() {
        return cpuMemoryArena;
    }

    /** The device sessions actually run on: {@code cpu} or {@code cuda}. */
    public String effectiveDevice() {
        return effectiveDevice;
    }

    public OrtSession open(Path modelFile) throws OrtException {
        if (requested != InferenceDevice.CPU) {
            try {
                OrtSession session = environment.createSession(modelFile.toString(), options(true));
                effectiveDevice = "cuda";
                return session;
            } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
                if (requested == InferenceDevice.CUDA && fallbackLogged.compareAndSet(false, true)) {
                    logger.warn(
                        "plugins.multimodal.inference.device is [cuda] but CUDA is not usable here ({}); running on CPU",
                        e.getMessage()
                    );
                }
                effectiveDevice = "cpu";
            }
        }
        return environment.createSession(modelFile.toString(), options(false));
    }

    private OrtSession.SessionOptions options(boolean cuda) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(1);
        options.setInterOpNumThreads(1);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        // without the arena a call's tensors go back to the allocator when it ends; memory patterns need the arena
        options.setCPUArenaAllocator(cpuMemoryArena);
        options.setMemoryPatternOptimization(cpuMemoryArena);
        if (cuda) {
            if (cudaAvailable() == false) {
                throw new OrtException("this node's ONNX Runtime has no CUDA execution provider (the CPU build is installed)");
            }
            options.addCUDA(0);
        }
        return options;
    }

    /**
     * ONNX Runtime 1.29's native initialisation copies the process command line onto the calling thread's stack; a
     * JVM started with a long command line (about 10 KB, e.g. an explicit classpath) overflows a 1 MB stack and the
     * process dies with SIGSEGV. A short-lived thread with a larger stack runs it instead.
     */
    static <T> T onLargeStack(Supplier<T> action) {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = new Thread(null, () -> {
            try {
                result.set(action.get());
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "multimodal-onnx-init", NATIVE_INIT_STACK_BYTES);
        thread.start();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while initialising ONNX Runtime", e);
        }
        if (failure.get() != null) {
            throw new IllegalStateException("cannot initialise ONNX Runtime: " + failure.get().getMessage(), failure.get());
        }
        return result.get();
    }

    private static boolean cudaAvailable() {
        EnumSet<OrtProvider> providers = OrtEnvironment.getAvailableProviders();
        return providers.contains(OrtProvider.CUDA);
    }
}

package org.opensearch.multimodal.model;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The node's one ONNX Runtime environment and the device choice every session shares. Each inference call runs on one
 * thread of the plugin's pool, so sessions use one intra-op thread and parallelism comes from the pool.
 */
public final class OnnxSessions {

    private static final Logger logger = LogManager.getLogger(OnnxSessions.class);

    private final OrtEnvironment environment;
    private final InferenceDevice requested;
    private final AtomicBoolean fallbackLogged = new AtomicBoolean();
    private volatile String effectiveDevice;

    public OnnxSessions(InferenceDevice requested) {
        this.environment = OrtEnvironment.getEnvironment();
        this.requested = requested;
        this.effectiveDevice = cudaAvailable() && requested != InferenceDevice.CPU ? "cuda" : "cpu";
    }

    public OrtEnvironment environment() {
        return environment;
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
                    logger.warn("plugins.multimodal.inference.device is [cuda] but CUDA is not usable here ({}); running on CPU", e.getMessage());
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
        if (cuda) {
            if (cudaAvailable() == false) {
                throw new OrtException("this node's ONNX Runtime has no CUDA execution provider (the CPU build is installed)");
            }
            options.addCUDA(0);
        }
        return options;
    }

    private static boolean cudaAvailable() {
        EnumSet<OrtProvider> providers = OrtEnvironment.getAvailableProviders();
        return providers.contains(OrtProvider.CUDA);
    }
}

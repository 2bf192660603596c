package org.opensearch.multimodal.inference;

import org.opensearch.multimodal.model.ModelRegistry;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/** For tests that do not care which pool runs a forward pass: every workload on one executor. */
public final class SingleExecutorInference {

    private SingleExecutorInference() {
    }

    public static InferenceService create(ModelRegistry registry, ExecutorService executor) {
        Map<Workload, ExecutorService> executors = new EnumMap<>(Workload.class);
        for (Workload workload : Workload.values()) {
            executors.put(workload, executor);
        }
        return new InferenceService(registry, executors);
    }
}

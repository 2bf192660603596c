package org.opensearch.multimodal.model;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.opensearch.multimodal.settings.InferenceDevice;
import org.opensearch.test.MockLogAppender;
import org.opensearch.test.OpenSearchTestCase;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The device setting: cpu stays on CPU; cuda without a usable GPU still serves, on CPU, and says so once. */
public final class OnnxSessionsTests extends OpenSearchTestCase {

    private static Path bgeModel() {
        return BuiltinModels.root().resolve(BuiltinModels.BGE_SMALL).resolve("model.onnx");
    }

    public void testCpuRunsOnCpu() throws Exception {
        OnnxSessions sessions = new OnnxSessions(InferenceDevice.CPU);
        try (OrtSession session = sessions.open(bgeModel())) {
            assertEquals("cpu", sessions.effectiveDevice());
            assertTrue(session.getInputNames().contains("input_ids"));
        }
    }

    public void testCudaWithoutAUsableGpuFallsBackToCpuWithOneWarning() throws Exception {
        assumeFalse("this machine's ONNX Runtime offers CUDA", OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA));
        OnnxSessions sessions = new OnnxSessions(InferenceDevice.CUDA);
        List<String> warnings = new ArrayList<>();
        try (MockLogAppender appender = MockLogAppender.createForLoggers(LogManager.getLogger(OnnxSessions.class))) {
            appender.addExpectation(new MockLogAppender.LoggingExpectation() {

                @Override
                public void match(LogEvent event) {
                    if (event.getLevel() == Level.WARN) {
                        warnings.add(event.getMessage().getFormattedMessage());
                    }
                }

                @Override
                public void assertMatched() {
                }
            });
            for (int i = 0; i < 3; i++) {
                try (OrtSession session = sessions.open(bgeModel())) {
                    assertTrue(session.getInputNames().contains("input_ids"));
                }
            }
        }
        assertEquals("cpu", sessions.effectiveDevice());
        assertEquals("one line for the node, not one per session: " + warnings, 1, warnings.size());
        assertTrue(warnings.get(0), warnings.get(0).contains("plugins.multimodal.inference.device") && warnings.get(0).contains("CPU"));
    }

    public void testAutoOnACpuOnlyNodeReportsCpu() throws Exception {
        assumeFalse("this machine's ONNX Runtime offers CUDA", OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA));
        OnnxSessions sessions = new OnnxSessions(InferenceDevice.AUTO);
        assertEquals("cpu", sessions.effectiveDevice());
        try (OrtSession session = sessions.open(bgeModel())) {
            assertEquals("cpu", sessions.effectiveDevice());
        }
    }
}

package org.opensearch.multimodal.plugin;

import org.opensearch.ExceptionsHelper;
import org.opensearch.common.io.PathUtils;
import org.opensearch.env.Environment;
import org.opensearch.multimodal.inference.InferenceService;
import org.opensearch.multimodal.model.BuiltinModels;
import org.opensearch.multimodal.model.ProcessMemory;
import org.opensearch.multimodal.rest.ListModelsAction;
import org.opensearch.multimodal.rest.ListModelsResponse;
import org.opensearch.multimodal.rest.LoadModelAction;
import org.opensearch.multimodal.rest.ModelLifecycleResponse;
import org.opensearch.multimodal.rest.ModelReport;
import org.opensearch.multimodal.rest.ModelsRequest;
import org.opensearch.multimodal.rest.NodeModels;
import org.opensearch.multimodal.rest.UnloadModelAction;
import org.opensearch.plugins.Plugin;
import org.opensearch.test.OpenSearchIntegTestCase;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The models transport action across nodes whose model directories differ: node 0 also has an operator's CLIP-style
 * model in its config, so each node must report its own models, not the answering node's.
 */
@OpenSearchIntegTestCase.ClusterScope(scope = OpenSearchIntegTestCase.Scope.TEST, numDataNodes = 0, numClientNodes = 0)
public class ModelsApiClusterTests extends OpenSearchIntegTestCase {

    private static final String CLIP = "tiny-clip";

    @Override
    protected Collection<Class<? extends Plugin>> nodePlugins() {
        return List.of(MultimodalPlugin.class);
    }

    @Override
    protected Path nodeConfigPath(int nodeOrdinal) {
        Path bge = BuiltinModels.root().resolve(BuiltinModels.BGE_SMALL);
        return nodeOrdinal == 0
            ? BuiltinModels.nodeConfigWith(bge, PathUtils.get("src/test/resources/models", CLIP).toAbsolutePath())
            : BuiltinModels.nodeConfigWith(bge);
    }

    private static Map<String, List<String>> modelsByNode(ListModelsResponse response) {
        return response.getNodes()
            .stream()
            .collect(Collectors.toMap(n -> n.getNode().getName(), n -> n.models().stream().map(ModelReport::id).toList()));
    }

    public void testEveryNodeReportsItsOwnModels() {
        String withClip = internalCluster().startNode();
        String plain = internalCluster().startNode();
        for (String answering : List.of(withClip, plain)) {
            ListModelsResponse response = internalCluster().client(answering)
                .execute(ListModelsAction.INSTANCE, new ModelsRequest((String) null))
                .actionGet();
            assertFalse(response.failures().toString(), response.hasFailures());
            Map<String, List<String>> byNode = modelsByNode(response);
            assertEquals(2, byNode.size());
            assertEquals(List.of(BuiltinModels.BGE_SMALL, CLIP), byNode.get(withClip));
            assertEquals(List.of(BuiltinModels.BGE_SMALL), byNode.get(plain));
        }
        ModelReport clip = internalCluster().client(plain)
            .execute(ListModelsAction.INSTANCE, new ModelsRequest(CLIP))
            .actionGet()
            .getNodes()
            .stream()
            .filter(n -> n.getNode().getName().equals(withClip))
            .findFirst()
            .orElseThrow()
            .models()
            .get(0);
        assertEquals("clip", clip.kind());
        assertFalse("models load on first use", clip.loaded());
        assertEquals("nothing held before loading", 0L, clip.loadedBytes());
        assertTrue(clip.files().toString(), clip.files().contains("tokenizer.json") && clip.files().contains("preprocessor_config.json"));

        internalCluster().getInstance(InferenceService.class, withClip).registry().textModel(CLIP);
        NodeModels withClipNode = internalCluster().client(plain)
            .execute(ListModelsAction.INSTANCE, new ModelsRequest(CLIP, withClip))
            .actionGet()
            .getNodes()
            .get(0);
        ModelReport loaded = withClipNode.models().get(0);
        assertTrue("loaded once used", loaded.loaded());
        assertTrue("the loaded text tower's bytes", loaded.loadedBytes() > 0);
        ProcessMemory memory = withClipNode.memory();
        assertTrue("the node's resident memory: " + memory, memory.residentBytes() > memory.heapCommittedBytes() / 2);
        assertTrue("memory outside the JVM's accounts, ONNX Runtime's among it: " + memory, memory.outsideJvmBytes() >= 0);
        assertTrue("the CPU memory arena unless the node turns it off", withClipNode.cpuMemoryArena());

        ListModelsResponse onlyOne = internalCluster().client(withClip)
            .execute(ListModelsAction.INSTANCE, new ModelsRequest(BuiltinModels.BGE_SMALL, plain))
            .actionGet();
        assertEquals("?nodes= asks only those nodes", 1, onlyOne.getNodes().size());
        NodeModels node = onlyOne.getNodes().get(0);
        assertEquals(plain, node.getNode().getName());
        assertEquals(List.of(BuiltinModels.BGE_SMALL), node.models().stream().map(ModelReport::id).toList());
    }

    public void testLoadAndUnloadOnEveryNodeOrOnlyWhereAsked() throws IOException {
        String withClip = internalCluster().startNode();
        String plain = internalCluster().startNode();
        ModelLifecycleResponse loaded = internalCluster().client(plain)
            .execute(LoadModelAction.INSTANCE, new ModelsRequest(BuiltinModels.BGE_SMALL))
            .actionGet();
        assertEquals(loaded.failures().toString(), 2, loaded.getNodes().size());
        for (NodeModels node : loaded.getNodes()) {
            assertTrue(node.getNode().getName(), node.models().get(0).loaded());
        }
        // the CLIP model is on one node only: loading it everywhere loads it there and fails alone on the other node
        ModelLifecycleResponse partly = internalCluster().client(plain)
            .execute(LoadModelAction.INSTANCE, new ModelsRequest(CLIP))
            .actionGet();
        assertEquals(List.of(withClip), partly.getNodes().stream().map(n -> n.getNode().getName()).toList());
        assertEquals(1, partly.failures().size());
        assertTrue(
            partly.failures().get(0).toString(),
            ExceptionsHelper.stackTrace(partly.failures().get(0)).contains("unknown model [tiny-clip]")
        );

        ModelLifecycleResponse unloaded = internalCluster().client(withClip)
            .execute(UnloadModelAction.INSTANCE, new ModelsRequest(BuiltinModels.BGE_SMALL, plain))
            .actionGet();
        assertEquals(1, unloaded.getNodes().size());
        assertFalse(unloaded.getNodes().get(0).models().get(0).loaded());
        Map<String, Boolean> state = internalCluster().client(withClip)
            .execute(ListModelsAction.INSTANCE, new ModelsRequest(BuiltinModels.BGE_SMALL))
            .actionGet()
            .getNodes()
            .stream()
            .collect(Collectors.toMap(n -> n.getNode().getName(), n -> n.models().get(0).loaded()));
        assertEquals("unloaded only where asked", Map.of(withClip, true, plain, false), state);

        // a model directory dropped into one node's config while it runs: loaded there with no restart
        Path config = internalCluster().getInstance(Environment.class, plain).configDir();
        BuiltinModels.installInto(
            config.resolve("multimodal/models"),
            PathUtils.get("src/test/resources/models", "tiny-clip-combined").toAbsolutePath()
        );
        ModelLifecycleResponse dropped = internalCluster().client(withClip)
            .execute(LoadModelAction.INSTANCE, new ModelsRequest("tiny-clip-combined", plain))
            .actionGet();
        assertFalse(dropped.failures().toString(), dropped.hasFailures());
        assertTrue(dropped.getNodes().get(0).models().get(0).loaded());
    }
}

package org.opensearch.multimodal.rest;

import org.opensearch.action.support.nodes.BaseNodeResponse;
import org.opensearch.cluster.node.DiscoveryNode;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.multimodal.model.ProcessMemory;

import java.io.IOException;
import java.util.List;

/** One node's models, and its memory outside the heap, which its models' sessions are most of. */
public final class NodeModels extends BaseNodeResponse {

    private final List<ModelReport> models;
    private final ProcessMemory memory;
    private final boolean cpuMemoryArena;

    NodeModels(DiscoveryNode node, List<ModelReport> models, ProcessMemory memory, boolean cpuMemoryArena) {
        super(node);
        this.models = List.copyOf(models);
        this.memory = memory;
        this.cpuMemoryArena = cpuMemoryArena;
    }

    NodeModels(StreamInput in) throws IOException {
        super(in);
        this.models = in.readList(ModelReport::new);
        this.memory = new ProcessMemory(in.readZLong(), in.readVLong(), in.readVLong(), in.readVLong());
        this.cpuMemoryArena = in.readBoolean();
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        super.writeTo(out);
        out.writeList(models);
        out.writeZLong(memory.residentBytes());
        out.writeVLong(memory.heapCommittedBytes());
        out.writeVLong(memory.nonHeapCommittedBytes());
        out.writeVLong(memory.directBufferBytes());
        out.writeBoolean(cpuMemoryArena);
    }

    public List<ModelReport> models() {
        return models;
    }

    public ProcessMemory memory() {
        return memory;
    }

    public boolean cpuMemoryArena() {
        return cpuMemoryArena;
    }

    /** {@code "native_memory": {...}}: the node's resident memory beside what the JVM accounts for. */
    void nativeMemoryToXContent(XContentBuilder builder) throws IOException {
        builder.startObject("native_memory")
            .field("resident_bytes", memory.residentBytes())
            .field("jvm_heap_committed_bytes", memory.heapCommittedBytes())
            .field("jvm_non_heap_committed_bytes", memory.nonHeapCommittedBytes())
            .field("direct_buffer_bytes", memory.directBufferBytes())
            .field("outside_jvm_bytes", memory.outsideJvmBytes())
            .field("cpu_memory_arena", cpuMemoryArena)
            .endObject();
    }
}

package org.opensearch.multimodal.rest;

import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.multimodal.model.ModelInfo;

import java.io.IOException;
import java.util.List;

/** One model as one node reports it, sent from that node to the one answering the REST call. */
public record ModelReport(
    String id,
    String kind,
    int dims,
    int maxTokens,
    String pooling,
    String path,
    List<String> files,
    String device,
    boolean loaded,
    long loadedBytes,
    long loadMillis,
    String fingerprint,
    String space
) implements Writeable, ToXContentObject {

    static ModelReport of(ModelInfo info) {
        return new ModelReport(
            info.manifest().id(),
            info.manifest().kind().toString(),
            info.manifest().dims(),
            info.manifest().maxTokens(),
            info.manifest().pooling().toString(),
            info.path(),
            info.files(),
            info.device(),
            info.loaded(),
            info.loadedBytes(),
            info.loadMillis(),
            info.fingerprint(),
            info.manifest().space()
        );
    }

    ModelReport(StreamInput in) throws IOException {
        this(
            in.readString(),
            in.readString(),
            in.readVInt(),
            in.readVInt(),
            in.readString(),
            in.readString(),
            in.readStringList(),
            in.readString(),
            in.readBoolean(),
            in.readVLong(),
            in.readVLong(),
            in.readString(),
            in.readString()
        );
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeString(id);
        out.writeString(kind);
        out.writeVInt(dims);
        out.writeVInt(maxTokens);
        out.writeString(pooling);
        out.writeString(path);
        out.writeStringCollection(files);
        out.writeString(device);
        out.writeBoolean(loaded);
        out.writeVLong(loadedBytes);
        out.writeVLong(loadMillis);
        out.writeString(fingerprint);
        out.writeString(space);
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        return builder.startObject()
            .field("id", id)
            .field("kind", kind)
            .field("dims", dims)
            .field("fingerprint", fingerprint)
            .field("space", space)
            .field("max_tokens", maxTokens)
            .field("pooling", pooling)
            .field("device", device)
            .field("loaded", loaded)
            .field("memory_bytes", loadedBytes)
            .field("load_time_ms", loadMillis)
            .field("path", path)
            .field("files", files)
            .endObject();
    }
}

package org.opensearch.multimodal.rest;

import org.opensearch.action.ActionRequest;
import org.opensearch.action.ActionRequestValidationException;
import org.opensearch.action.ActionType;
import org.opensearch.core.action.ActionResponse;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.tasks.TaskId;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.tasks.CancellableTask;
import org.opensearch.tasks.Task;

import java.io.IOException;
import java.util.Map;

/** Embeds texts or images on the node that receives the call: {@code cluster:admin/opensearch/multimodal/embed}. */
public final class EmbedAction extends ActionType<EmbedAction.Response> {

    public static final String NAME = "cluster:admin/opensearch/multimodal/embed";
    public static final EmbedAction INSTANCE = new EmbedAction();

    private EmbedAction() {
        super(NAME, Response::new);
    }

    /** The request: the parsed {@code _embed} body. */
    public static final class Request extends ActionRequest {

        private final EmbedRequest embed;

        public Request(EmbedRequest embed) {
            this.embed = embed;
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            this.embed = new EmbedRequest(in);
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            embed.writeTo(out);
        }

        public EmbedRequest embed() {
            return embed;
        }

        @Override
        public ActionRequestValidationException validate() {
            return null;
        }

        /** Cancellable: {@code _tasks/_cancel}, or the client closing its connection, stops it between batches. */
        @Override
        public Task createTask(long id, String type, String action, TaskId parentTaskId, Map<String, String> headers) {
            return new CancellableTask(id, type, action, getDescription(), parentTaskId, headers) {

                @Override
                public boolean shouldCancelChildrenOnCancellation() {
                    return false;
                }
            };
        }

        @Override
        public String getDescription() {
            int items = embed.images() == null ? embed.texts().size() : embed.images().size();
            return "model[" + embed.model() + "], " + items + (embed.images() == null ? " texts" : " images");
        }
    }

    /** One vector per input, and its token (text) or patch (image) vectors when asked for. */
    public static final class Response extends ActionResponse {

        private final String model;
        private final boolean images;
        private final float[][] vectors;
        private final float[][][] tokens;

        Response(String model, boolean images, float[][] vectors, float[][][] tokens) {
            this.model = model;
            this.images = images;
            this.vectors = vectors;
            this.tokens = tokens;
        }

        public Response(StreamInput in) throws IOException {
            super(in);
            this.model = in.readString();
            this.images = in.readBoolean();
            this.vectors = in.readArray(StreamInput::readFloatArray, float[][]::new);
            this.tokens = in.readBoolean()
                ? in.readArray(
                    stream -> stream.readArray(StreamInput::readFloatArray, float[][]::new),
                    float[][][]::new
                )
                : null;
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeString(model);
            out.writeBoolean(images);
            out.writeArray(StreamOutput::writeFloatArray, vectors);
            out.writeBoolean(tokens != null);
            if (tokens != null) {
                out.writeArray(
                    (stream, rows) -> stream.writeArray(StreamOutput::writeFloatArray, rows),
                    tokens
                );
            }
        }

        /** The token (or patch) vectors per input; null when not asked for. */
        public float[][][] tokenVectors() {
            return tokens;
        }

        public float[][] vectors() {
            return vectors;
        }

        void render(XContentBuilder builder) throws IOException {
            builder.startObject().field("model", model).startArray("embeddings");
            for (int i = 0; i < vectors.length; i++) {
                builder.startObject().array("vector", vectors[i]);
                if (tokens != null) {
                    builder.startArray(images ? "patch_vectors" : "token_vectors");
                    for (float[] token : tokens[i]) {
                        builder.value(token);
                    }
                    builder.endArray();
                }
                builder.endObject();
            }
            builder.endArray().endObject();
        }
    }
}

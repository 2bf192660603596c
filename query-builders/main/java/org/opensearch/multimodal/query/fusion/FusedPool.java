package org.opensearch.multimodal.query.fusion;

import org.apache.lucene.search.Explanation;
import org.opensearch.common.lucene.Lucene;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.rest.RestStatus;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The whole index's fused ranking, as the coordinating node hands it to the shards in the second round: each pool
 * document by {@code _index} and {@code _id}, best first, with its final score (strictly decreasing, so the shards'
 * hits merge in exactly this order), its structured scores ({@link HitScores}) and, when the search explains, its
 * arithmetic; {@code timedOut} when the first round or the fusion stopped at the request's timeout (the shards then
 * answer {@code timed_out: true}).
 */
public record FusedPool(String description, List<Entry> entries, Map<String, PoolGathering.ShardFailure> failedShards, boolean timedOut)
    implements
        Writeable {

    public FusedPool(String description, List<Entry> entries) {
        this(description, entries, Map.of(), false);
    }

    /** Why shard {@code shard} of {@code index} could not gather its pool in the first round; null when it did. */
    public PoolGathering.ShardFailure failure(String index, int shard) {
        return failedShards.get(index + "][" + shard);
    }

    /** With the shards that failed the first round, and whether that round or the fusion timed out. */
    public FusedPool after(Map<String, PoolGathering.ShardFailure> failures, boolean timedOut) {
        return new FusedPool(description, entries, Map.copyOf(failures), timedOut);
    }

    public record Entry(String index, String id, float score, Map<String, Object> details, Explanation explanation) implements Writeable {

        Entry(StreamInput in) throws IOException {
            this(
                in.readString(),
                in.readString(),
                in.readFloat(),
                in.readMap(),
                in.readBoolean() ? Lucene.readExplanation(in) : null
            );
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeString(index);
            out.writeString(id);
            out.writeFloat(score);
            out.writeMap(details);
            out.writeBoolean(explanation != null);
            if (explanation != null) {
                Lucene.writeExplanation(out, explanation);
            }
        }

        /** About what it holds on the heap. */
        long bytes() {
            return 128 + 2L * (index.length() + id.length()) + 96L * details.size() + (explanation == null ? 0 : 512);
        }
    }

    public FusedPool(StreamInput in) throws IOException {
        this(
            in.readString(),
            in.readList(Entry::new),
            in.readMap(StreamInput::readString, i -> new PoolGathering.ShardFailure(i.readString(), RestStatus.readFrom(i))),
            in.readBoolean()
        );
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeString(description);
        out.writeList(entries);
        out.writeMap(failedShards, StreamOutput::writeString, (o, failure) -> {
            o.writeString(failure.reason());
            RestStatus.writeTo(o, failure.status());
        });
        out.writeBoolean(timedOut);
    }

    long bytes() {
        return entries.stream().mapToLong(Entry::bytes).sum();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FusedPool that
            && description.equals(that.description)
            && entries.size() == that.entries.size()
            && timedOut == that.timedOut
            && sameRanking(that);
    }

    private boolean sameRanking(FusedPool that) {
        for (int i = 0; i < entries.size(); i++) {
            Entry a = entries.get(i);
            Entry b = that.entries.get(i);
            if (a.index().equals(b.index()) == false || a.id().equals(b.id()) == false || a.score() != b.score()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return Objects.hash(description, entries.size());
    }
}

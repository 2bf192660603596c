package org.opensearch.multimodal.stats;

import org.opensearch.core.common.io.stream.InputStreamStreamInput;
import org.opensearch.core.common.io.stream.OutputStreamStreamOutput;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.InflaterInputStream;

/**
 * A node's recent stats: a ring of the last {@code capacity} samples, oldest first. Each sample is kept in OpenSearch's
 * wire form, deflated (a sample of the demo node is under a kilobyte), so what the history holds is bounded by its
 * capacity and a sample's size; {@link #memoryBytes()} says how much it holds now.
 */
public final class StatsHistory {

    private final long[] timestamps;
    private final byte[][] samples;
    private int next;
    private int size;
    private long bytes;

    /** A history of at most {@code capacity} samples; 0 keeps none. */
    public StatsHistory(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("a stats history holds at least 0 samples, not " + capacity);
        }
        this.timestamps = new long[capacity];
        this.samples = new byte[capacity][];
    }

    /** Keeps {@code sample}, taken at {@code timestamp} (epoch milliseconds); the oldest sample goes when the ring is full. */
    public void add(long timestamp, Map<String, Object> sample) {
        if (samples.length == 0) {
            return;
        }
        byte[] encoded = encode(sample);
        synchronized (this) {
            if (samples[next] != null) {
                bytes -= samples[next].length;
            }
            samples[next] = encoded;
            timestamps[next] = timestamp;
            bytes += encoded.length;
            next = (next + 1) % samples.length;
            size = Math.min(size + 1, samples.length);
        }
    }

    /**
     * The samples taken after {@code afterMillis} (every sample for {@link Long#MIN_VALUE}), oldest first, each a map
     * with {@code timestamp} first and then the sample's own entries.
     */
    public List<Map<String, Object>> samplesAfter(long afterMillis) {
        List<Long> times = new ArrayList<>();
        List<byte[]> kept = new ArrayList<>();
        synchronized (this) {
            int oldest = (next - size + samples.length) % Math.max(1, samples.length);
            for (int i = 0; i < size; i++) {
                int slot = (oldest + i) % samples.length;
                if (timestamps[slot] > afterMillis) {
                    times.add(timestamps[slot]);
                    kept.add(samples[slot]);
                }
            }
        }
        List<Map<String, Object>> out = new ArrayList<>(kept.size());
        for (int i = 0; i < kept.size(); i++) {
            Map<String, Object> sample = new LinkedHashMap<>();
            sample.put("timestamp", times.get(i));
            sample.putAll(decode(kept.get(i)));
            out.add(sample);
        }
        return out;
    }

    public int capacity() {
        return samples.length;
    }

    public synchronized int size() {
        return size;
    }

    /** Bytes the kept samples take, encoded (the ring's arrays aside). */
    public synchronized long memoryBytes() {
        return bytes;
    }

    private static byte[] encode(Map<String, Object> sample) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(512);
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        try (StreamOutput out = new OutputStreamStreamOutput(new DeflaterOutputStream(buffer, deflater))) {
            out.writeMap(sample);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a stats sample", e);
        } finally {
            deflater.end();
        }
        return buffer.toByteArray();
    }

    private static Map<String, Object> decode(byte[] encoded) {
        try (StreamInput in = new InputStreamStreamInput(new InflaterInputStream(new ByteArrayInputStream(encoded)))) {
            return in.readMap();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot decode a stats sample", e);
        }
    }
}

package org.opensearch.multimodal.model;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.ResourceNotFoundException;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The models of this node: every directory with a {@code multimodal-model.json} under the configured roots
 * (the plugin's built-in {@code models/}, then the node's {@code config/multimodal/models/}, which may override a
 * built-in id). Discovered at start and again by {@link #load}, so a directory dropped into the config needs no
 * restart; each model is loaded on first use or by {@link #load}, and {@link #unload} frees it.
 */
public final class ModelRegistry implements Closeable {

    private static final Logger logger = LogManager.getLogger(ModelRegistry.class);

    private final List<Path> roots;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    /** Model directories that could not be read at the last scan, by directory name: why. */
    private final Map<String, String> broken = new ConcurrentHashMap<>();
    private final OnnxSessions sessions;

    public ModelRegistry(List<Path> roots, OnnxSessions sessions) {
        this.roots = List.copyOf(roots);
        this.sessions = sessions;
        rescan();
        logger.info("multimodal models on this node: {}", new TreeMap<>(entries).keySet());
    }

    /** Discovers the model directories again: new ones are added; a model not loaded is replaced by what is on disk. */
    public synchronized void rescan() {
        Map<String, Entry> found = new TreeMap<>();
        Map<String, String> failures = new TreeMap<>();
        for (Path root : roots) {
            for (Entry entry : discover(root, failures)) {
                Entry previous = found.put(entry.manifest.id(), entry);
                if (previous != null) {
                    logger.info(
                        "model [{}] in [{}] overrides the one in [{}]",
                        entry.manifest.id(),
                        entry.files.directory(),
                        previous.files.directory()
                    );
                }
            }
        }
        for (Map.Entry<String, Entry> model : found.entrySet()) {
            Entry current = entries.get(model.getKey());
            Entry onDisk = model.getValue();
            // an entry is only replaced when its files changed on disk and it is not loaded: a loaded (or loading)
            // entry keeps its sessions, so none is ever left open outside the registry
            boolean changed = current == null || current.manifest.equals(onDisk.manifest) == false
                || current.files.equals(onDisk.files) == false;
            if (changed && (current == null || current.loaded() == false)) {
                entries.put(model.getKey(), onDisk);
            }
        }
        broken.clear();
        broken.putAll(failures);
    }

    /**
     * Loads every encoder of {@code id} now (discovering new directories first) and checks that it gives vectors of
     * the declared dims. A model directory that cannot be read or does not work is an {@link IllegalArgumentException}
     * naming the file and the reason; the node is left as it was.
     */
    public ModelInfo load(String id) {
        rescan();
        // a directory broken on disk is reported even while an earlier, working copy of it stays in use
        String reason = broken.get(id);
        if (reason != null) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "model directory [%s] cannot be loaded: %s", id, reason));
        }
        Entry entry = entries.get(id);
        if (entry == null) {
            throw new ResourceNotFoundException(
                String.format(Locale.ROOT, "unknown model [%s]; models on this node: %s", id, new TreeMap<>(entries).keySet())
            );
        }
        try {
            if (entry.manifest.kind().hasText()) {
                TokenizerVocabulary.check(entry.files);
                ModelProbe.checkText(entry.text(sessions), entry.files);
            }
            if (entry.manifest.kind().hasImage()) {
                ModelProbe.checkImage(entry.image(sessions), entry.files);
            }
        } catch (RuntimeException e) {
            entry.close();
            Throwable cause = e instanceof UncheckedIOException && e.getCause() != null ? e.getCause() : e;
            throw new IllegalArgumentException(String.format(Locale.ROOT, "model [%s] cannot be loaded: %s", id, cause.getMessage()), e);
        }
        return info(entry);
    }

    /** Frees {@code id}'s encoders (calls in flight finish first); true when it was loaded. */
    public boolean unload(String id) {
        Entry entry = entries.get(id);
        if (entry == null) {
            throw new ResourceNotFoundException(
                String.format(Locale.ROOT, "unknown model [%s]; models on this node: %s", id, new TreeMap<>(entries).keySet())
            );
        }
        boolean wasLoaded = entry.loaded();
        entry.close();
        return wasLoaded;
    }

    /** The fingerprint of {@code id}'s files on this node ({@link ModelFingerprint}); empty for an unknown model. */
    public Optional<String> fingerprint(String id) {
        Entry entry = entries.get(id);
        return entry == null ? Optional.empty() : Optional.of(entry.fingerprint());
    }

    public Optional<ModelManifest> manifest(String id) {
        Entry entry = entries.get(id);
        return entry == null ? Optional.empty() : Optional.of(entry.manifest);
    }

    /** The manifest of {@code id}, or a 400-style error naming the parameter and the models that exist. */
    public ModelManifest requireManifest(String id, String parameter) {
        return manifest(id).orElseThrow(
            () -> new IllegalArgumentException(
                String.format(Locale.ROOT, "[%s] unknown model [%s]; models on this node: %s", parameter, id, entries.keySet())
            )
        );
    }

    /** The model's text encoder, loading it on first use; an error when the model has none. */
    public TextModel textModel(String id) {
        Entry entry = entry(id);
        if (entry.manifest.kind().hasText() == false) {
            throw new IllegalArgumentException(
                String.format(Locale.ROOT, "model [%s] is an image model (kind [%s]); it does not encode text", id, entry.manifest.kind())
            );
        }
        return entry.text(sessions);
    }

    /** The model's image encoder, loading it on first use; an error when the model has none. */
    public ImageModel imageModel(String id) {
        Entry entry = entry(id);
        if (entry.manifest.kind().hasImage() == false) {
            throw new IllegalArgumentException(
                String.format(Locale.ROOT, "model [%s] is a text model (kind [%s]); it does not encode images", id, entry.manifest.kind())
            );
        }
        return entry.image(sessions);
    }

    private Entry entry(String id) {
        Entry entry = entries.get(id);
        if (entry == null) {
            throw new IllegalArgumentException(
                String.format(Locale.ROOT, "unknown model [%s]; models on this node: %s", id, entries.keySet())
            );
        }
        return entry;
    }

    /** Whether this node's sessions keep ONNX Runtime's CPU memory arena. */
    public boolean cpuMemoryArena() {
        return sessions.cpuMemoryArena();
    }

    public List<ModelInfo> list() {
        List<ModelInfo> infos = new ArrayList<>();
        for (Entry entry : new TreeMap<>(entries).values()) {
            infos.add(info(entry));
        }
        return infos;
    }

    private ModelInfo info(Entry entry) {
        List<String> files = entry.files.all().stream().map(f -> entry.files.directory().relativize(f).toString()).toList();
        return new ModelInfo(
            entry.manifest,
            entry.files.directory().toString(),
            files,
            sessions.effectiveDevice(),
            entry.loaded(),
            entry.files.onnxBytes(entry.text != null, entry.image != null),
            entry.loadMillis,
            entry.fingerprint()
        );
    }

    @Override
    public void close() {
        for (Entry entry : entries.values()) {
            entry.close();
        }
    }

    private static List<Entry> discover(Path root, Map<String, String> failures) {
        List<Entry> found = new ArrayList<>();
        if (Files.isDirectory(root) == false) {
            return found;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, Files::isDirectory)) {
            Path realRoot = root.toRealPath();
            for (Path dir : dirs) {
                if (Files.isRegularFile(dir.resolve(ModelManifest.FILE_NAME)) == false) {
                    continue;
                }
                try {
                    if (dir.toRealPath().startsWith(realRoot) == false) {
                        // models are read only from the node's config and plugin directories, never through a link out of them
                        throw new IOException(String.format(Locale.ROOT, "it resolves to [%s], outside [%s]", dir.toRealPath(), realRoot));
                    }
                    ModelManifest manifest = ModelManifest.read(dir);
                    found.add(new Entry(manifest, ModelFiles.locate(dir, manifest.kind())));
                } catch (IOException | RuntimeException e) {
                    // one broken model directory must not keep the node, or the other models, from starting
                    failures.put(dir.getFileName().toString(), e.getMessage());
                    logger.warn(String.format(Locale.ROOT, "skipping model directory [%s]: %s", dir, e.getMessage()), e);
                }
            }
        } catch (IOException e) {
            logger.warn(String.format(Locale.ROOT, "cannot list model directory [%s]", root), e);
        }
        return found;
    }

    /** A discovered model; each of its encoders is loaded on first use. */
    private static final class Entry {

        private final ModelManifest manifest;
        private final ModelFiles files;
        private volatile TextModel text;
        private volatile ImageModel image;
        /** Time spent loading its encoders, in milliseconds. */
        private volatile long loadMillis;

        /** Computed on first use: an entry is replaced when its files change. */
        private volatile String fingerprint;

        private Entry(ModelManifest manifest, ModelFiles files) {
            this.manifest = manifest;
            this.files = files;
        }

        private String fingerprint() {
            String current = fingerprint;
            if (current == null) {
                current = ModelFingerprint.of(files);
                fingerprint = current;
            }
            return current;
        }

        private boolean loaded() {
            return text != null || image != null;
        }

        private TextModel text(OnnxSessions sessions) {
            TextModel current = text;
            if (current != null) {
                return current;
            }
            synchronized (this) {
                if (text == null) {
                    long start = System.nanoTime();
                    try {
                        text = TextModel.load(manifest, files, sessions);
                        loadMillis += (System.nanoTime() - start) / 1_000_000;
                        logger.info("loaded text encoder of model [{}] from [{}] on [{}]", manifest.id(), files.directory(), text.device());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                return text;
            }
        }

        private ImageModel image(OnnxSessions sessions) {
            ImageModel current = image;
            if (current != null) {
                return current;
            }
            synchronized (this) {
                if (image == null) {
                    long start = System.nanoTime();
                    try {
                        image = ImageModel.load(manifest, files, sessions);
                        loadMillis += (System.nanoTime() - start) / 1_000_000;
                        logger.info("loaded image encoder of model [{}] from [{}]", manifest.id(), files.directory());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                return image;
            }
        }

        /** Unloads; a later use loads again. */
        private synchronized void close() {
            if (text != null) {
                text.close();
                text = null;
            }
            if (image != null) {
                image.close();
                image = null;
            }
            loadMillis = 0;
        }
    }
}

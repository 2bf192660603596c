package org.opensearch.multimodal.codec;

import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FilterDirectory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexInput;
import org.apache.lucene.store.IndexOutput;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A segment's directory as a second stored-fields writer or reader sees it: the files it names are given names of their
 * own ({@code _2.fdt} is {@code _2_source.fdt}), so two instances of one stored-fields format live in one segment.
 * Temporary files keep the unique names the directory gave them.
 */
final class SourceFilesDirectory extends FilterDirectory {

    static final String SUFFIX = "_source";

    private final String segment;
    private final Set<String> temporary = ConcurrentHashMap.newKeySet();

    SourceFilesDirectory(Directory in, String segment) {
        super(in);
        this.segment = segment;
    }

    /** {@code name} as this segment's source files are named. */
    String rename(String name) {
        if (temporary.contains(name)) {
            return name;
        }
        boolean ofSegment = name.startsWith(segment)
            && name.length() > segment.length()
            && (name.charAt(segment.length()) == '.' || name.charAt(segment.length()) == '_');
        if (ofSegment == false) {
            throw new IllegalArgumentException("[" + name + "] is not a file of segment [" + segment + "]");
        }
        return segment + SUFFIX + name.substring(segment.length());
    }

    @Override
    public IndexOutput createOutput(String name, IOContext context) throws IOException {
        return in.createOutput(rename(name), context);
    }

    @Override
    public IndexOutput createTempOutput(String prefix, String suffix, IOContext context) throws IOException {
        IndexOutput output = in.createTempOutput(prefix, suffix, context);
        temporary.add(output.getName());
        return output;
    }

    @Override
    public IndexInput openInput(String name, IOContext context) throws IOException {
        return in.openInput(rename(name), context);
    }

    @Override
    public long fileLength(String name) throws IOException {
        return in.fileLength(rename(name));
    }

    @Override
    public void deleteFile(String name) throws IOException {
        in.deleteFile(rename(name));
        temporary.remove(name);
    }
}

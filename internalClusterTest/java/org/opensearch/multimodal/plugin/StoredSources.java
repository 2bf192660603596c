package org.opensearch.multimodal.plugin;

import org.apache.lucene.codecs.StoredFieldsReader;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FilterLeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.SegmentReader;
import org.apache.lucene.index.StoredFieldVisitor;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.index.Index;
import org.opensearch.index.engine.Engine;
import org.opensearch.index.shard.IndexShard;
import org.opensearch.indices.IndicesService;
import org.opensearch.multimodal.codec.VectorInjectingStoredFieldsReader;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The {@code _source} bytes of every document of shard 0 of an index as its segments store it, under the codec's injection. */
final class StoredSources {

    private StoredSources() {
    }

    static List<BytesReference> of(Iterable<IndicesService> nodes, Index index) throws IOException {
        List<BytesReference> sources = new ArrayList<>();
        for (IndicesService indices : nodes) {
            if (indices.hasIndex(index) == false) {
                continue;
            }
            IndexShard shard = indices.indexServiceSafe(index).getShard(0);
            try (Engine.Searcher searcher = shard.acquireSearcher("test")) {
                for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
                    SegmentReader segment = (SegmentReader) FilterLeafReader.unwrap(leaf.reader());
                    StoredFieldsReader fieldsReader = segment.getFieldsReader();
                    StoredFieldsReader raw = fieldsReader instanceof VectorInjectingStoredFieldsReader injecting ? injecting.stored()
                        : fieldsReader;
                    for (int doc = 0; doc < segment.maxDoc(); doc++) {
                        raw.document(doc, new StoredFieldVisitor() {

                            @Override
                            public Status needsField(FieldInfo fieldInfo) {
                                return fieldInfo.name.equals("_source") ? Status.YES : Status.NO;
                            }

                            @Override
                            public void binaryField(FieldInfo fieldInfo, byte[] value) {
                                sources.add(new BytesArray(value.clone()));
                            }
                        });
                    }
                }
            }
        }
        return sources;
    }
}

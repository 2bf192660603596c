package org.opensearch.multimodal.codec;

import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.DocValuesType;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.util.BytesRef;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.core.index.shard.ShardId;
import org.opensearch.index.IndexService;
import org.opensearch.index.engine.Engine;
import org.opensearch.index.engine.EngineConfig;
import org.opensearch.index.mapper.DocumentMapper;
import org.opensearch.index.mapper.MapperService;
import org.opensearch.index.mapper.ParseContext;
import org.opensearch.index.mapper.ParsedDocument;
import org.opensearch.index.mapper.SourceFieldMapper;
import org.opensearch.index.shard.IndexEventListener;
import org.opensearch.index.shard.IndexingOperationListener;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Hands the translog the very {@code _source} a later read of the document derives, as OpenSearch k-NN's derived
 * source does: a replica that recovers while writes continue receives some operations twice, live and replayed from
 * the primary's Lucene history (read through {@link VectorInjectingStoredFieldsReader}), and OpenSearch's translog
 * requires the two to be the same bytes. Deriving is idempotent, so an operation replayed, or recovered from the
 * translog, keeps its bytes. A document that carries {@code _recovery_source} (a mapping with {@code _source} includes
 * or excludes) is left alone: its history is replayed from that copy, as sent. One per index with derived vector
 * source; it learns the index's mapping once the index exists.
 */
public final class DerivedSourceIndexingListener implements IndexingOperationListener, IndexEventListener {

    private volatile MapperService mapperService;
    private volatile boolean applies;
    /** The fields left out under the current mapping, found once per mapping rather than once per document. */
    private volatile FieldsOfMapping fieldsOfMapping;

    private record FieldsOfMapping(DocumentMapper mapper, StrippedVectorFields fields) {
    }

    @Override
    public void afterIndexCreated(IndexService indexService) {
        mapperService = indexService.mapperService();
        applies = VectorFieldCodecService.derivesVectorSource(indexService.getIndexSettings(), mapperService)
            && VectorFieldCodecService.VECTOR_CODECS
                .contains(EngineConfig.INDEX_CODEC_SETTING.get(indexService.getIndexSettings().getSettings()));
    }

    @Override
    public Engine.Index preIndex(ShardId shardId, Engine.Index operation) {
        ParsedDocument doc = operation.parsedDoc();
        if (applies == false || doc.source() == null || doc.rootDoc().getField(SourceFieldMapper.RECOVERY_SOURCE_NAME) != null) {
            return operation;
        }
        StrippedVectorFields fields = fieldsToStrip();
        if (fields.isEmpty()) {
            return operation;
        }
        try {
            BytesRef source = doc.source().toBytesRef();
            BytesRef derived = DerivedVectorSource.derive(source, fields, valuesOf(doc.rootDoc()));
            if (derived != source) {
                doc.setSource(new BytesArray(derived), (XContentType) doc.getMediaType());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return operation;
    }

    private StrippedVectorFields fieldsToStrip() {
        DocumentMapper mapper = mapperService.documentMapper();
        FieldsOfMapping known = fieldsOfMapping;
        if (known == null || known.mapper() != mapper) {
            known = new FieldsOfMapping(mapper, StrippedVectorFields.forWriting(mapperService));
            fieldsOfMapping = known;
        }
        return known.fields();
    }

    /** The vectors as the document's fields will store them: what the segment will give back. */
    private static DerivedVectorSource.Values valuesOf(ParseContext.Document document) {
        return new DerivedVectorSource.Values() {

            @Override
            public BytesRef binary(String path) {
                IndexableField field = document.getByKey(path);
                return field != null && field.fieldType().docValuesType() == DocValuesType.BINARY ? field.binaryValue() : null;
            }

            @Override
            public float[] vector(String path) {
                // a field keyed by its name, or a chunked field's passage (one field each, not keyed)
                IndexableField field = document.getByKey(path);
                if (field == null) {
                    field = document.getField(path);
                }
                return field instanceof KnnFloatVectorField vector ? vector.vectorValue() : null;
            }
        };
    }
}

package org.opensearch.multimodal.codec;

import org.apache.logging.log4j.Logger;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.codecs.lucene104.Lucene104HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.opensearch.index.codec.PerFieldMappingPostingFormatCodec;
import org.opensearch.index.mapper.MappedFieldType;
import org.opensearch.index.mapper.MapperService;
import org.opensearch.multimodal.mapper.DenseVectorFieldMapper.DenseVectorFieldType;
import org.opensearch.multimodal.mapper.HnswOptions;
import org.opensearch.multimodal.mapper.MultiVectorFieldMapper.MultiVectorFieldType;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * OpenSearch's default codec, with each {@code dense_vector} field's HNSW graph built with the field's own
 * {@code index_options}, and each indexed {@code multi_vector} field's candidate encodings in Lucene's scalar-quantized
 * HNSW format. It keeps the Lucene codec's name: segments record each field's vectors format by name, and
 * HNSW parameters only matter when a graph is written, so any node reads these segments with the stock codec.
 */
public final class VectorFieldCodec extends PerFieldMappingPostingFormatCodec {

    private final MapperService mapperService;
    private final Map<HnswOptions, KnnVectorsFormat> formats = new ConcurrentHashMap<>();
    private final Map<HnswOptions, KnnVectorsFormat> quantized = new ConcurrentHashMap<>();

    public VectorFieldCodec(Lucene104Codec.Mode mode, MapperService mapperService, Logger logger) {
        super(mode, mapperService, logger);
        this.mapperService = mapperService;
    }

    @Override
    public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
        if (field.endsWith(MultiVectorFieldType.CANDIDATE_SUFFIX)) {
            // a multi_vector field's candidate encodings: Lucene's quantized HNSW (a byte per dimension in the graph)
            MappedFieldType owner = mapperService
                .fieldType(field.substring(0, field.length() - MultiVectorFieldType.CANDIDATE_SUFFIX.length()));
            if (owner instanceof MultiVectorFieldType multiVector && multiVector.candidates() != null) {
                HnswOptions options = multiVector.candidates().hnsw();
                return quantized.computeIfAbsent(options, o -> new Lucene104HnswScalarQuantizedVectorsFormat(o.m(), o.efConstruction()));
            }
        }
        String chunkOwner = DenseVectorFieldType.chunkOwner(field);
        MappedFieldType fieldType = mapperService.fieldType(chunkOwner == null ? field : chunkOwner);
        if (fieldType instanceof DenseVectorFieldType vectorField && vectorField.hnswOptions().equals(HnswOptions.DEFAULT) == false) {
            HnswOptions options = vectorField.hnswOptions();
            return formats.computeIfAbsent(options, o -> new Lucene99HnswVectorsFormat(o.m(), o.efConstruction()));
        }
        return super.getKnnVectorsFormatForField(field);
    }
}

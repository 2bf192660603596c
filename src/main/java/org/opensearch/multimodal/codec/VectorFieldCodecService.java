package org.opensearch.multimodal.codec;

import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.opensearch.index.IndexSettings;
import org.opensearch.index.codec.CodecService;
import org.opensearch.index.codec.CodecServiceConfig;
import org.opensearch.index.mapper.MapperService;
import org.opensearch.multimodal.settings.MultimodalSettings;

import java.util.Map;
import java.util.Set;

/**
 * The index's codecs, with the four named OpenSearch codecs ({@code default}, {@code lz4}, {@code best_compression},
 * {@code zlib}) replaced by {@link VectorFieldCodec}s of the same compression, so {@code dense_vector} fields get
 * their {@code index_options}. Indices with a composite index keep OpenSearch's codecs.
 */
public final class VectorFieldCodecService extends CodecService {

    /** The OpenSearch codecs this service replaces: {@code index.codec} values whose segments the plugin writes. */
    static final Set<String> VECTOR_CODECS = Set.of(DEFAULT_CODEC, LZ4, BEST_COMPRESSION_CODEC, ZLIB);

    private final Map<String, Codec> vectorCodecs;

    public VectorFieldCodecService(CodecServiceConfig config) {
        super(config.getMapperService(), config.getIndexSettings(), config.getLogger(), config.getAdditionalCodecs());
        MapperService mapperService = config.getMapperService();
        if (mapperService == null || mapperService.isCompositeIndexPresent()) {
            vectorCodecs = Map.of();
        } else {
            Codec speed = new VectorFieldCodec(Lucene104Codec.Mode.BEST_SPEED, mapperService, config.getLogger());
            Codec compression = new VectorFieldCodec(Lucene104Codec.Mode.BEST_COMPRESSION, mapperService, config.getLogger());
            if (derivesVectorSource(config.getIndexSettings(), mapperService)) {
                speed = new DerivedVectorSourceCodec(speed, mapperService);
                compression = new DerivedVectorSourceCodec(compression, mapperService);
            }
            vectorCodecs = Map.of(DEFAULT_CODEC, speed, LZ4, speed, BEST_COMPRESSION_CODEC, compression, ZLIB, compression);
            assert vectorCodecs.keySet().equals(VECTOR_CODECS);
        }
    }

    /**
     * Whether the index's vector codecs leave vectors out of the stored {@code _source}: derived vector source is on, and
     * the index is neither a composite index nor one whose whole {@code _source} OpenSearch derives itself.
     */
    static boolean derivesVectorSource(IndexSettings settings, MapperService mapperService) {
        return MultimodalSettings.DERIVED_VECTOR_SOURCE.get(settings.getSettings())
            && settings.isDerivedSourceEnabled() == false
            && mapperService != null
            && mapperService.isCompositeIndexPresent() == false;
    }

    @Override
    public Codec codec(String name) {
        Codec codec = vectorCodecs.get(name);
        return codec != null ? codec : super.codec(name);
    }
}

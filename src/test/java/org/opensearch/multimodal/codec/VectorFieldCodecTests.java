package org.opensearch.multimodal.codec;

import org.apache.logging.log4j.LogManager;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.opensearch.common.settings.Settings;
import org.opensearch.index.codec.CodecService;
import org.opensearch.index.codec.CodecServiceConfig;
import org.opensearch.index.mapper.MapperService;
import org.opensearch.index.mapper.MapperServiceTestCase;
import org.opensearch.index.mapper.ParsedDocument;
import org.opensearch.multimodal.plugin.MultimodalPlugin;
import org.opensearch.multimodal.settings.MultimodalSettings;
import org.opensearch.plugins.Plugin;

import java.io.IOException;
import java.util.Collection;
import java.util.List;

/**
 * dense_vector index_options reach the HNSW writer; segments name the derived-source codec unless the index turned it off,
 * and then stay readable by the stock codec.
 */
public final class VectorFieldCodecTests extends MapperServiceTestCase {

    @Override
    protected Collection<? extends Plugin> getPlugins() {
        return List.of(new MultimodalPlugin(Settings.EMPTY));
    }

    private MapperService mapperService() throws IOException {
        return mapperService(Settings.EMPTY);
    }

    private MapperService mapperService(Settings indexSettings) throws IOException {
        return createMapperService(indexSettings, mapping(b -> {
            b.startObject("tuned").field("type", "dense_vector").field("dims", 3);
            b.startObject("index_options").field("m", 4).field("ef_construction", 10).endObject();
            b.endObject();
            b.startObject("plain").field("type", "dense_vector").field("dims", 3).endObject();
        }));
    }

    private static Codec defaultCodec(MapperService mapperService) {
        CodecServiceConfig config = new CodecServiceConfig(
            mapperService.getIndexSettings(),
            mapperService,
            LogManager.getLogger("test"),
            List.of()
        );
        return new VectorFieldCodecService(config).codec(CodecService.DEFAULT_CODEC);
    }

    public void testEachFieldGetsItsOwnHnswParameters() throws IOException {
        for (boolean derived : new boolean[]{true, false}) {
            MapperService mapperService = mapperService(
                Settings.builder().put(MultimodalSettings.DERIVED_VECTOR_SOURCE.getKey(), derived).build()
            );
            PerFieldKnnVectorsFormat formats = (PerFieldKnnVectorsFormat) defaultCodec(mapperService).knnVectorsFormat();
            String tuned = formats.getKnnVectorsFormatForField("tuned").toString();
            assertTrue(tuned, tuned.contains("maxConn=4") && tuned.contains("beamWidth=10"));
            String plain = formats.getKnnVectorsFormatForField("plain").toString();
            assertTrue(plain, plain.contains("maxConn=16") && plain.contains("beamWidth=100"));
        }
    }

    private static VectorFieldCodecService service(MapperService mapperService) {
        CodecServiceConfig config = new CodecServiceConfig(
            mapperService.getIndexSettings(),
            mapperService,
            LogManager.getLogger("test"),
            List.of()
        );
        return new VectorFieldCodecService(config);
    }

    private static final List<String> CODEC_NAMES = List
        .of(CodecService.DEFAULT_CODEC, CodecService.LZ4, CodecService.BEST_COMPRESSION_CODEC, CodecService.ZLIB);

    public void testDerivedSourceSegmentsNameTheirOwnCodecAndTheOthersLucenes() throws IOException {
        VectorFieldCodecService derived = service(mapperService());
        for (String name : CODEC_NAMES) {
            assertEquals("derived vector source is on by default", DerivedVectorSourceCodec.NAME, derived.codec(name).getName());
        }
        VectorFieldCodecService stored = service(
            mapperService(Settings.builder().put(MultimodalSettings.DERIVED_VECTOR_SOURCE.getKey(), false).build())
        );
        for (String name : CODEC_NAMES) {
            assertTrue(name, stored.codec(name) instanceof VectorFieldCodec);
            assertEquals(
                "with the source stored as sent, segments are readable without this plugin's codec",
                new Lucene104Codec().getName(),
                stored.codec(name).getName()
            );
        }
    }

    public void testSegmentsWrittenWithTunedGraphsAreSearchable() throws IOException {
        MapperService mapperService = mapperService();
        Codec codec = defaultCodec(mapperService);
        try (Directory directory = newDirectory()) {
            try (IndexWriter writer = new IndexWriter(directory, new IndexWriterConfig().setCodec(codec))) {
                for (int i = 0; i < 20; i++) {
                    final int n = i;
                    ParsedDocument doc = mapperService.documentMapper()
                        .parse(source(b -> b.array("tuned", 1f, n, 0.5f).array("plain", n, 1f, 0f)));
                    writer.addDocument(doc.rootDoc());
                }
            }
            try (DirectoryReader reader = DirectoryReader.open(directory)) {
                TopDocs hits = new IndexSearcher(reader).search(new KnnFloatVectorQuery("tuned", new float[]{1f, 19f, 0.5f}, 3), 3);
                assertEquals(3, hits.scoreDocs.length);
                assertEquals("the nearest vector ranks first", 19, hits.scoreDocs[0].doc);
            }
        }
    }
}

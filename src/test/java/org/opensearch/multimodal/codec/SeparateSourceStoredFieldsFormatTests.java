package org.opensearch.multimodal.codec;

import com.carrotsearch.randomizedtesting.generators.RandomPicks;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.StoredFieldVisitor;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.store.Directory;
import org.apache.lucene.tests.index.BaseStoredFieldsFormatTestCase;
import org.apache.lucene.tests.util.TestUtil;
import org.apache.lucene.util.BytesRef;
import org.opensearch.index.mapper.SourceFieldMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * {@code _source} kept in files of its own: Lucene's whole stored-fields contract (random documents, merges with and
 * without deletes, index sorting, concurrent reads), documents carrying a {@code _source} among their fields, and what a
 * search hit's read of {@code _id} alone is spared.
 */
public class SeparateSourceStoredFieldsFormatTests extends BaseStoredFieldsFormatTestCase {

    private static final String ID = "_id";

    @Override
    protected Codec getCodec() {
        // the codec an index writes (nothing to strip without a mapping); Lucene reads its segments back by its name
        return new DerivedVectorSourceCodec(new Lucene104Codec(RandomPicks.randomFrom(random(), Lucene104Codec.Mode.values())), null);
    }

    @Override
    protected void addRandomFields(Document doc) {
        if (random().nextBoolean()) {
            doc.add(new StoredField(SourceFieldMapper.NAME, new BytesRef(TestUtil.randomSimpleString(random(), 200))));
        }
        super.addRandomFields(doc);
    }

    private static byte[] source(int doc) {
        return ("{\"text\":\"" + "document " + doc + " ".repeat(doc % 50) + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    private static Document document(int doc, boolean withSource) {
        Document document = new Document();
        document.add(new StringField(ID, "id" + doc, Field.Store.YES));
        if (withSource) {
            document.add(new StoredField(SourceFieldMapper.NAME, source(doc)));
        }
        document.add(new StoredField("_routing", "r" + (doc % 3)));
        document.add(new NumericDocValuesField("sort", -doc));
        return document;
    }

    /** What a visitor was asked and given. */
    private static final class Recording extends StoredFieldVisitor {

        private final List<String> wanted;
        private final Map<String, Object> given = new HashMap<>();
        private final List<String> asked = new ArrayList<>();

        Recording(String... wanted) {
            this.wanted = Arrays.asList(wanted);
        }

        @Override
        public Status needsField(FieldInfo fieldInfo) {
            asked.add(fieldInfo.name);
            return wanted.contains(fieldInfo.name) ? Status.YES : Status.NO;
        }

        @Override
        public void binaryField(FieldInfo fieldInfo, byte[] value) {
            assertNull("given twice: " + fieldInfo.name, given.put(fieldInfo.name, value));
        }

        @Override
        public void stringField(FieldInfo fieldInfo, String value) {
            assertNull("given twice: " + fieldInfo.name, given.put(fieldInfo.name, value));
        }
    }

    public void testEveryFieldIsReadBackAndTheSourceOnlyWhenAsked() throws IOException {
        try (Directory dir = newDirectory()) {
            IndexWriterConfig config = newIndexWriterConfig().setCodec(getCodec());
            int docs = 20 + random().nextInt(200);
            try (IndexWriter writer = new IndexWriter(dir, config)) {
                for (int doc = 0; doc < docs; doc++) {
                    writer.addDocument(document(doc, doc % 7 != 3));
                    if (random().nextInt(40) == 0) {
                        writer.commit();
                    }
                }
            }
            assertTrue(
                "the source half has files of its own: " + Arrays.toString(dir.listAll()),
                Arrays.stream(dir.listAll()).anyMatch(name -> name.contains(SourceFilesDirectory.SUFFIX) || name.endsWith(".cfs"))
            );
            assertEveryDocument(dir, docs, n -> n % 7 != 3);
        }
    }

    public void testReadingTheIdAloneReadsNoByteOfTheSources() throws IOException {
        try (Directory written = newDirectory()) {
            IndexWriterConfig config = newIndexWriterConfig().setCodec(getCodec()).setUseCompoundFile(false);
            config.setMergePolicy(newLogMergePolicy(false));
            int docs = 50 + random().nextInt(100);
            try (IndexWriter writer = new IndexWriter(written, config)) {
                for (int doc = 0; doc < docs; doc++) {
                    writer.addDocument(document(doc, true));
                }
            }
            ReadBytesDirectoryWrapper dir = new ReadBytesDirectoryWrapper(written);
            try (DirectoryReader reader = DirectoryReader.open(dir)) {
                long sourceBytes = bytesRead(dir, true);
                long fieldBytes = bytesRead(dir, false);
                for (LeafReaderContext leaf : reader.leaves()) {
                    for (int doc = 0; doc < leaf.reader().maxDoc(); doc++) {
                        leaf.reader().storedFields().document(doc, new Recording(ID));
                    }
                }
                assertEquals("the sources' data read for _id alone", sourceBytes, bytesRead(dir, true));
                assertTrue("the _id half is read", bytesRead(dir, false) > fieldBytes);
                leaf(reader).storedFields().document(0, new Recording(SourceFieldMapper.NAME));
                assertTrue("the source half is read when asked", bytesRead(dir, true) > sourceBytes);
            }
        }
    }

    private static LeafReader leaf(DirectoryReader reader) {
        return reader.leaves().get(0).reader();
    }

    /** Bytes read so far of the stored fields' data files: the sources' or the other fields'. */
    private static long bytesRead(ReadBytesDirectoryWrapper dir, boolean sources) {
        return dir.getReadBytes()
            .entrySet()
            .stream()
            .filter(file -> file.getKey().endsWith(".fdt") && file.getKey().contains(SourceFilesDirectory.SUFFIX) == sources)
            .mapToLong(file -> file.getValue().cardinality())
            .sum();
    }

    /** Merges of segments that all keep their source apart, of a mix with segments of the earlier one-stream format, sorted. */
    public void testMergesKeepEveryFieldWhateverTheSegmentsFormat() throws IOException {
        for (String kind : List.of("separate", "mixed", "sorted")) {
            try (Directory dir = newDirectory()) {
                int docs = 0;
                if (kind.equals("mixed")) {
                    IndexWriterConfig earlier = newIndexWriterConfig().setCodec(new DerivedVectorSourceCodec104())
                        .setMergePolicy(NoMergePolicy.INSTANCE);
                    try (IndexWriter writer = new IndexWriter(dir, earlier)) {
                        for (; docs < 30; docs++) {
                            writer.addDocument(document(docs, true));
                        }
                    }
                }
                IndexWriterConfig config = newIndexWriterConfig().setCodec(getCodec()).setMergePolicy(NoMergePolicy.INSTANCE);
                if (kind.equals("sorted")) {
                    config.setIndexSort(new Sort(new SortField("sort", SortField.Type.LONG)));
                }
                try (IndexWriter writer = new IndexWriter(dir, config)) {
                    for (int segment = 0; segment < 3; segment++) {
                        for (int i = 0; i < 25; i++, docs++) {
                            writer.addDocument(document(docs, docs % 5 != 0));
                        }
                        writer.commit();
                    }
                    writer.forceMerge(1);
                }
                int earlier = kind.equals("mixed") ? 30 : 0;
                assertEveryDocument(dir, docs, n -> n < earlier || n % 5 != 0);
            }
        }
    }

    private static void assertEveryDocument(Directory dir, int docs, IntPredicate hasSource) throws IOException {
        int seen = 0;
        try (DirectoryReader reader = DirectoryReader.open(dir)) {
            for (LeafReaderContext leaf : reader.leaves()) {
                for (int doc = 0; doc < leaf.reader().maxDoc(); doc++) {
                    Recording idOnly = new Recording(ID);
                    leaf.reader().storedFields().document(doc, idOnly);
                    String id = (String) idOnly.given.get(ID);
                    int n = Integer.parseInt(id.substring(2));
                    assertEquals("an _id read is given no source", Map.of(ID, id), idOnly.given);
                    assertTrue("_source asked at most once", idOnly.asked.stream().filter(SourceFieldMapper.NAME::equals).count() <= 1);

                    Recording everything = new Recording(ID, "_routing", SourceFieldMapper.NAME);
                    leaf.reader().storedFields().document(doc, everything);
                    assertEquals("r" + (n % 3), everything.given.get("_routing"));
                    byte[] source = (byte[]) everything.given.get(SourceFieldMapper.NAME);
                    assertArrayEquals("source of " + id, hasSource.test(n) ? source(n) : null, source);
                    seen++;
                }
            }
        }
        assertEquals(docs, seen);
    }
}

package org.opensearch.multimodal.image;

import org.opensearch.common.io.PathUtils;
import org.opensearch.test.OpenSearchTestCase;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** File paths stay inside the operator's directories: no "..", no link out, nothing when none is configured. */
public final class ImagePathsTests extends OpenSearchTestCase {

    private Path allowed;
    private Path outside;

    @Override
    public void setUp() throws Exception {
        super.setUp();
        // the real file system: Lucene's mock one in createTempDir cannot follow links to outside it
        Path root = Files.createTempDirectory(PathUtils.get(System.getProperty("java.io.tmpdir")), "image-paths");
        allowed = Files.createDirectories(root.resolve("allowed"));
        outside = Files.createDirectories(root.resolve("outside"));
        Files.write(allowed.resolve("photo.png"), new byte[]{1, 2, 3});
        Files.createDirectories(allowed.resolve("sub"));
        Files.write(allowed.resolve("sub").resolve("nested.png"), new byte[]{4});
        Files.write(outside.resolve("secret.png"), new byte[]{9});
        Files.createSymbolicLink(allowed.resolve("link.png"), outside.resolve("secret.png"));
    }

    private ImageProblem problem(ImagePaths paths, String value) {
        return expectThrows(ImageException.class, () -> paths.read(value, 100)).problem();
    }

    public void testFilesInsideTheAllowedDirectoryAreRead() throws IOException {
        ImagePaths paths = new ImagePaths(List.of(allowed));
        assertArrayEquals(new byte[]{1, 2, 3}, paths.read(allowed.resolve("photo.png").toString(), 100));
        assertArrayEquals("relative to the allowed directory", new byte[]{4}, paths.read("sub/nested.png", 100));
    }

    public void testEscapesAreBlocked() {
        ImagePaths paths = new ImagePaths(List.of(allowed));
        assertEquals(ImageProblem.BLOCKED, problem(paths, outside.resolve("secret.png").toString()));
        assertEquals(ImageProblem.BLOCKED, problem(paths, "../outside/secret.png"));
        assertEquals(ImageProblem.BLOCKED, problem(paths, allowed.resolve("sub").toString() + "/../../outside/secret.png"));
        assertEquals("a link out of the directory", ImageProblem.BLOCKED, problem(paths, "link.png"));
        assertEquals(ImageProblem.BLOCKED, problem(paths, "/etc/passwd"));
    }

    public void testNothingIsAllowedByDefault() {
        ImageException e = expectThrows(
            ImageException.class,
            () -> new ImagePaths(List.of()).read(allowed.resolve("photo.png").toString(), 100)
        );
        assertEquals(ImageProblem.BLOCKED, e.problem());
        assertTrue(e.getMessage(), e.getMessage().contains("plugins.multimodal.image.file.allowed_dirs"));
    }

    public void testMissingDirectoriesAndOversizedFilesAreNamed() {
        ImagePaths paths = new ImagePaths(List.of(allowed));
        assertEquals(ImageProblem.UNAVAILABLE, problem(paths, "missing.png"));
        assertEquals(ImageProblem.INVALID_VALUE, problem(paths, "sub"));
        ImageException big = expectThrows(ImageException.class, () -> paths.read("photo.png", 2));
        assertEquals(ImageProblem.TOO_LARGE, big.problem());
    }
}

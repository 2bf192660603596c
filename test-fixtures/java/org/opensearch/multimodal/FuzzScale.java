package org.opensearch.multimodal;

/** How many cases the seeded fuzz tests run: their default times {@code tests.fuzz.scale} (1 in verify, 10 in -Psoak). */
public final class FuzzScale {

    private FuzzScale() {
    }

    public static int times(int defaultCases) {
        return defaultCases * Math.max(1, Integer.getInteger("tests.fuzz.scale", 1));
    }
}

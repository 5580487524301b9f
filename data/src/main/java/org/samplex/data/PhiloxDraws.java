package org.samplex.data;

import org.samplex.api.rng.RngStream;

/**
 * Bulk draws of the first n elements of one substream, block by block: the numbers are exactly
 * {@link RngStream#normal}, {@link RngStream#word} and {@link RngStream#uniform} element for element, but each
 * Philox block is computed once and nothing is allocated ({@code block} is the caller's reusable int[4]).
 */
final class PhiloxDraws {
    private PhiloxDraws() {
    }

    /** dst[off + e] = stream.normal(substream, e) for e in [0, n). */
    static void normals(RngStream stream, long substream, double[] dst, int off, int n, int[] block) {
        for (int e = 0; e < n; e += 2) {
            stream.block(e >>> 1, substream, block);
            dst[off + e] = RngStream.normalFromWords(block[0], block[1]);
            if (e + 1 < n) {
                dst[off + e + 1] = RngStream.normalFromWords(block[2], block[3]);
            }
        }
    }

    /** dst[e] = stream.word(substream, e) for e in [0, n): the raw words behind uniform and uniformInt. */
    static void words(RngStream stream, long substream, int[] dst, int n, int[] block) {
        for (int e = 0; e < n; e += 4) {
            stream.block(e >>> 2, substream, block);
            int m = Math.min(4, n - e);
            System.arraycopy(block, 0, dst, e, m);
        }
    }

    /**
     * dst[e] = -amplitude when stream.uniform(substream, e) &lt; 0.5, else +amplitude, for e in [0, n). A uniform is
     * below 0.5 exactly when its word's top bit is 0, i.e. the word is non-negative as a signed int.
     */
    static void signs(RngStream stream, long substream, double[] dst, int n, double amplitude, int[] block) {
        for (int e = 0; e < n; e += 4) {
            stream.block(e >>> 2, substream, block);
            int m = Math.min(4, n - e);
            for (int k = 0; k < m; k++) {
                dst[e + k] = RngStream.uniformFromWord(block[k]) < 0.5 ? -amplitude : amplitude;
            }
        }
    }
}

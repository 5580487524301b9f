package org.samplex.api.rng;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A named random stream: a Philox key derived from one experiment seed and a name ("E", "u", "test", "train",
 * "init"). Every draw is a pure function of (key, substream, element index), specified here exactly so that
 * every backend reproduces the same numbers:
 *
 * <ul>
 *   <li>key: the first 8 bytes of SHA-256 of the UTF-8 string {@code "samplex:" + name + ":" + seed} (seed in
 *       decimal), read big-endian as k0 then k1.</li>
 *   <li>{@link #uniform}: element i uses the block at counter (lo32(i/4), hi32(i/4), lo32(s), hi32(s)) and its
 *       word i%4, w; U = (w >>> 8) * 2^-24, in [0, 1) with 24 bits (exact in float32 and float64 alike).</li>
 *   <li>{@link #normal}: element i uses the block at counter (lo32(i/2), hi32(i/2), lo32(s), hi32(s)) and its
 *       words (2(i%2), 2(i%2)+1) = (a, b); u1 = ((a >>> 8) + 1) * 2^-24 in (0, 1], u2 = (b >>> 8) * 2^-24;
 *       Z = sqrt(-2 ln u1) cos(2 pi u2), computed in double precision (Box-Muller, cosine branch).</li>
 *   <li>{@link #uniformInt}: the word w of {@link #uniform}'s element i, unsigned; (w * bound) >>> 32, in
 *       [0, bound) (multiply-shift; its bias is below bound / 2^32).</li>
 * </ul>
 *
 * @param name the stream's name, kept for provenance
 * @param seed the experiment seed
 * @param k0   first key word
 * @param k1   second key word
 */
public record RngStream(String name, long seed, int k0, int k1) {

    private static final double TWO_POW_M24 = 0x1.0p-24;

    /** The stream called {@code name} under experiment seed {@code seed}. */
    public static RngStream of(long seed, String name) {
        byte[] h;
        try {
            h = MessageDigest.getInstance("SHA-256")
                    .digest(("samplex:" + name + ":" + seed).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
        return new RngStream(name, seed, bigEndianInt(h, 0), bigEndianInt(h, 4));
    }

    private static int bigEndianInt(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
    }

    /** The four words of the block at (blockIndex, substream); allocation-free when {@code out} is reused. */
    public void block(long blockIndex, long substream, int[] out) {
        Philox.block((int) blockIndex, (int) (blockIndex >>> 32), (int) substream, (int) (substream >>> 32), k0, k1,
                out);
    }

    /** The raw 32-bit word behind uniform element i. */
    public int word(long substream, long i) {
        int[] w = new int[4];
        block(i >>> 2, substream, w);
        return w[(int) (i & 3)];
    }

    /** Uniform element i of substream s, in [0, 1), 24 bits. */
    public double uniform(long substream, long i) {
        return uniformFromWord(word(substream, i));
    }

    /** Standard normal element i of substream s. */
    public double normal(long substream, long i) {
        int[] w = new int[4];
        block(i >>> 1, substream, w);
        int j = (int) (i & 1) * 2;
        return normalFromWords(w[j], w[j + 1]);
    }

    /** Integer element i of substream s, in [0, bound). */
    public int uniformInt(long substream, long i, int bound) {
        return intFromWord(word(substream, i), bound);
    }

    /** The mapping of one word to a uniform in [0, 1); backends call it on words they computed in bulk. */
    public static double uniformFromWord(int w) {
        return (w >>> 8) * TWO_POW_M24;
    }

    /** The Box-Muller mapping of two words to a standard normal. */
    public static double normalFromWords(int a, int b) {
        double u1 = ((a >>> 8) + 1) * TWO_POW_M24;
        double u2 = (b >>> 8) * TWO_POW_M24;
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    /** The multiply-shift mapping of one word to [0, bound). */
    public static int intFromWord(int w, int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, got " + bound);
        }
        return (int) (((w & 0xFFFFFFFFL) * bound) >>> 32);
    }
}

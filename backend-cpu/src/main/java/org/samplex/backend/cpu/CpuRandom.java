package org.samplex.backend.cpu;

import java.util.function.IntConsumer;
import org.samplex.api.rng.RngStream;

/**
 * Fills from Philox streams. Element e of the buffer is element e of the stream's substream, mapped by
 * {@link RngStream}'s static functions on blocks computed here; the double it gives is rounded to float once, so
 * the values equal the reference's doubles rounded to float. Elements are independent, so any split over threads
 * gives the same bits; chunks of {@link CpuPointwise#CHUNK} elements start at multiples of 4 so a block is computed
 * once per chunk that needs it.
 *
 * <p>Allocation: none per call; the fill's arguments are fields of this per-backend object (calls on a backend are
 * serial), read by one reusable task, and a task's Philox block is its thread's {@link CpuScratch#words}.
 */
final class CpuRandom {
    private static final int CHUNK = CpuPointwise.CHUNK;

    private final CpuParallel par;

    // ---- the fill in progress ------------------------------------------------------------------------------
    private int n;
    private float[] f;
    private int[] i;
    private int off;
    private RngStream stream;
    private long substream;
    /** lo and hi of a uniform fill, mean and std of a normal one. */
    private double p0;
    private double p1;
    private int bound;

    // ---- one reusable task per fill, over chunks --------------------------------------------------------------
    private final IntConsumer uniformTask = t -> floatChunk(t, false);
    private final IntConsumer normalTask = t -> floatChunk(t, true);
    private final IntConsumer intTask = this::intChunk;

    CpuRandom(CpuParallel par) {
        this.par = par;
    }

    /** dst[off + e] = lo + (hi - lo) U_e. */
    void uniform(float[] dst, int off, int n, RngStream stream, long substream, double lo, double hi) {
        this.f = dst;
        this.p0 = lo;
        this.p1 = hi;
        run(uniformTask, 8, off, n, stream, substream);
    }

    /** dst[off + e] = mean + std Z_e. */
    void normal(float[] dst, int off, int n, RngStream stream, long substream, double mean, double std) {
        this.f = dst;
        this.p0 = mean;
        this.p1 = std;
        run(normalTask, 40, off, n, stream, substream);
    }

    /** dst[off + e] = the stream's integer element e in [0, bound). */
    void uniformInt(int[] dst, int off, int n, RngStream stream, long substream, int bound) {
        this.i = dst;
        this.bound = bound;
        run(intTask, 8, off, n, stream, substream);
    }

    /** Runs {@code task} over [0, n) in chunks; cost is the rough scalar work per element. */
    private void run(IntConsumer task, int cost, int off, int n, RngStream stream, long substream) {
        this.off = off;
        this.n = n;
        this.stream = stream;
        this.substream = substream;
        try {
            par.forEach((n - 1) / CHUNK + 1, (long) n * cost, task);
        } finally {
            this.f = null;
            this.i = null;
            this.stream = null;
        }
    }

    /** Chunk t of a float fill: a uniform element takes one word of a Philox block, a normal one two. */
    private void floatChunk(int t, boolean normal) {
        int from = t * CHUNK;
        int to = from + Math.min(CHUNK, n - from);
        int perBlock = normal ? 2 : 4;
        int[] words = CpuScratch.get().words;
        RngStream s = stream;
        long sub = substream;
        int o = off;
        float[] dst = f;
        double a = p0;
        double b = p1;
        for (int e = from; e < to; e++) {
            if (e == from || e % perBlock == 0) {
                s.block(e / perBlock, sub, words);
            }
            int w = 2 * (e % 2);
            dst[o + e] = (float) (normal ? a + b * RngStream.normalFromWords(words[w], words[w + 1])
                    : a + (b - a) * RngStream.uniformFromWord(words[e % 4]));
        }
    }

    private void intChunk(int t) {
        int from = t * CHUNK;
        int to = from + Math.min(CHUNK, n - from);
        int[] words = CpuScratch.get().words;
        RngStream s = stream;
        long sub = substream;
        int o = off;
        int[] dst = i;
        int b = bound;
        for (int e = from; e < to; e++) {
            if (e == from || e % 4 == 0) {
                s.block(e / 4, sub, words);
            }
            dst[o + e] = RngStream.intFromWord(words[e % 4], b);
        }
    }
}

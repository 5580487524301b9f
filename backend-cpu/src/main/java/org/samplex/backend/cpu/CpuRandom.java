package org.samplex.backend.cpu;

import org.samplex.api.rng.RngStream;

/**
 * Fills from Philox streams. Element e of the buffer is element e of the stream's substream, mapped by
 * {@link RngStream}'s static functions on blocks computed here; the double it gives is rounded to float once, so
 * the values equal the reference's doubles rounded to float. Elements are independent, so any split over threads
 * gives the same bits; chunks start at multiples of 4 so a block is computed once per chunk that needs it.
 */
final class CpuRandom {
    private CpuRandom() {
    }

    /** dst[e] = lo + (hi - lo) U_e. */
    static void uniform(CpuParallel par, CpuView dst, int n, RngStream stream, long substream, double lo,
                        double hi) {
        CpuPointwise.chunks(par, n, 8, (from, to) -> {
            int[] words = new int[4];
            for (int e = from; e < to; e++) {
                if (e == from || e % 4 == 0) {
                    stream.block(e / 4, substream, words);
                }
                dst.x()[dst.off() + e] = (float) (lo + (hi - lo) * RngStream.uniformFromWord(words[e % 4]));
            }
        });
    }

    /** dst[e] = mean + std Z_e. */
    static void normal(CpuParallel par, CpuView dst, int n, RngStream stream, long substream, double mean,
                       double std) {
        CpuPointwise.chunks(par, n, 40, (from, to) -> {
            int[] words = new int[4];
            for (int e = from; e < to; e++) {
                if (e == from || e % 2 == 0) {
                    stream.block(e / 2, substream, words);
                }
                int w = 2 * (e % 2);
                dst.x()[dst.off() + e] = (float) (mean + std * RngStream.normalFromWords(words[w], words[w + 1]));
            }
        });
    }

    /** dst[off + e] = the stream's integer element e in [0, bound). */
    static void uniformInt(CpuParallel par, int[] dst, int off, int n, RngStream stream, long substream, int bound) {
        CpuPointwise.chunks(par, n, 8, (from, to) -> {
            int[] words = new int[4];
            for (int e = from; e < to; e++) {
                if (e == from || e % 4 == 0) {
                    stream.block(e / 4, substream, words);
                }
                dst[off + e] = RngStream.intFromWord(words[e % 4], bound);
            }
        });
    }
}

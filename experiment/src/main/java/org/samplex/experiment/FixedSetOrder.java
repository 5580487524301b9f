package org.samplex.experiment;

import org.samplex.api.rng.RngStream;

/**
 * The order in which the fixed-n protocol visits its n training prompts: item k of the training order (step s,
 * row i: k = s B + i) belongs to epoch e = floor(k / n) and is prompt pi_e(k mod n) of the "train" stream.
 *
 * <ul>
 *   <li>Not shuffled: pi_e is the identity for every e, so item k is prompt k mod n (the order before epochs
 *       existed; the same prompts, and the same bits, as the run without this class).</li>
 *   <li>Shuffled: pi_e is the Fisher-Yates permutation of {@code RngStream.of(seed, "shuffle")}, substream e: start
 *       from (0, 1, ..., n-1); for j = n-1 down to 1, r = intFromWord(word j, j + 1), swap entries j and r. Every
 *       epoch has its own permutation, the same for every run of the seed, whatever the batch size.</li>
 * </ul>
 *
 * <p>One epoch's permutation is kept (n ints); items are asked for in increasing order, as training reads them, so
 * a permutation is drawn once per epoch. Not thread-safe: one per run.
 */
final class FixedSetOrder {
    /** The largest training set that may be shuffled (the permutation is held as n ints: 256 MiB). */
    static final long MAX_SHUFFLED = 1L << 26;

    private final long n;
    private final RngStream stream;
    private final int[] perm;
    private final int[] block = new int[4];
    private long epoch = -1;

    /**
     * @param n       prompts in the training set
     * @param shuffle whether every epoch has its own order
     * @param seed    the run's seed (its "shuffle" stream)
     */
    FixedSetOrder(long n, boolean shuffle, long seed) {
        this.n = n;
        this.stream = shuffle ? RngStream.of(seed, "shuffle") : null;
        this.perm = shuffle ? new int[Math.toIntExact(n)] : null;
    }

    /** The epoch of item k. */
    long epochOf(long k) {
        return k / n;
    }

    /** The prompt index of item k (items asked for in any order are right, increasing order is fast). */
    long prompt(long k) {
        long j = k % n;
        if (perm == null) {
            return j;
        }
        long e = k / n;
        if (e != epoch) {
            draw(e);
        }
        return perm[(int) j];
    }

    /** Writes the prompt indices of items first .. first + out.length - 1 into {@code out}. */
    void prompts(long first, long[] out) {
        for (int i = 0; i < out.length; i++) {
            out[i] = prompt(first + i);
        }
    }

    private void draw(long e) {
        int size = perm.length;
        for (int i = 0; i < size; i++) {
            perm[i] = i;
        }
        long drawn = -1; // the block of four words in `block`
        for (int j = size - 1; j >= 1; j--) {
            if (j >>> 2 != drawn) {
                drawn = j >>> 2;
                stream.block(drawn, e, block);
            }
            int r = RngStream.intFromWord(block[j & 3], j + 1);
            int tmp = perm[j];
            perm[j] = perm[r];
            perm[r] = tmp;
        }
        epoch = e;
    }
}

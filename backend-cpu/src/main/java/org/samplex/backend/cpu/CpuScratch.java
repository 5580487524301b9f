package org.samplex.backend.cpu;

/**
 * Per-thread scratch arrays of the cpu kernels' tasks, grown on demand and kept, so that a task allocates nothing
 * in the steady state. A task takes its thread's scratch once ({@link #get}) and may use several slots at a time;
 * contents are undefined on entry (a task writes before it reads, or clears what it needs cleared). No cpu kernel
 * calls another from inside a task, so a slot is never in use twice on one thread.
 */
final class CpuScratch {
    /** Attention: K^T and V^T of the head (hd, N). */
    static final int KT = 0;
    static final int VT = 1;
    /** Attention: one query row's scores or probabilities, and their gradients (N). */
    static final int ROW = 2;
    static final int ROW_GRAD = 3;
    /** Attention: one output row, or one dQ row (hd). */
    static final int ACC = 4;
    /** Attention backward: the head's dK and dV summed over queries (N, hd). */
    static final int DK = 5;
    static final int DV = 6;
    private static final int SLOTS = 7;

    private static final ThreadLocal<CpuScratch> LOCAL = ThreadLocal.withInitial(CpuScratch::new);

    private final float[][] floats = new float[SLOTS][];
    /** One Philox block. */
    final int[] words = new int[4];

    private CpuScratch() {
        for (int s = 0; s < SLOTS; s++) {
            floats[s] = new float[0];
        }
    }

    /** This thread's scratch. */
    static CpuScratch get() {
        return LOCAL.get();
    }

    /** Slot {@code slot}, at least {@code length} floats long (possibly longer). */
    float[] floats(int slot, int length) {
        float[] x = floats[slot];
        if (x.length < length) {
            x = new float[length];
            floats[slot] = x;
        }
        return x;
    }
}

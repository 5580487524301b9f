package org.samplex.backend.cpu;

import static org.samplex.backend.cpu.CpuVec.LANES;
import static org.samplex.backend.cpu.CpuVec.SPECIES;

import java.util.function.IntConsumer;
import jdk.incubator.vector.FloatVector;

/**
 * The linear scan h_t = a_t h_{t-1} + b_t in float32 (see {@link org.samplex.api.Backend#scanForward}), vectorized
 * over channels: one task per (batch row, block of {@link #BLOCK} channels), and inside it one vector of channels at
 * a time walks the positions with its state in a register. Every step is one fused multiply-add, in the vector
 * lanes and in the scalar tail alike, and each element is computed by exactly one task in scan order, so the bits
 * do not depend on the thread count or on where a channel falls.
 *
 * <p>Allocation: none per call; the call's buffers are fields of this per-backend object (calls on a backend are
 * serial), read by two reusable tasks.
 */
final class CpuScan {
    /** Channels per task: a multiple of every vector width, fixed so the split does not depend on threads. */
    static final int BLOCK = 256;

    private final CpuParallel par;

    // ---- the call in progress -------------------------------------------------------------------------------------
    private int positions;
    private int channels;
    private boolean reverse;
    private int blocks;
    private HostBuffer h;
    private HostBuffer a;
    private HostBuffer b;
    private HostBuffer dA;
    private HostBuffer dB;
    private HostBuffer dH;

    private final IntConsumer forwardTask = this::forwardBlock;
    private final IntConsumer backwardTask = this::backwardBlock;

    CpuScan(CpuParallel par) {
        this.par = par;
    }

    /** h (B, N, C) from a and b (B, N, C). */
    void forward(HostBuffer h, HostBuffer a, HostBuffer b, int batch, int positions, int channels, boolean reverse) {
        this.h = h;
        this.a = a;
        this.b = b;
        run(forwardTask, batch, positions, channels, reverse);
    }

    /** Adds into dA and dB (either may be null) given dH, a and the forward's h (all (B, N, C)). */
    void backward(HostBuffer dA, HostBuffer dB, HostBuffer dH, HostBuffer a, HostBuffer h, int batch, int positions,
                  int channels, boolean reverse) {
        this.dA = dA;
        this.dB = dB;
        this.dH = dH;
        this.a = a;
        this.h = h;
        run(backwardTask, batch, positions, channels, reverse);
    }

    private void run(IntConsumer task, int batch, int positions, int channels, boolean reverse) {
        this.positions = positions;
        this.channels = channels;
        this.reverse = reverse;
        this.blocks = (channels - 1) / BLOCK + 1;
        try {
            par.forEach(batch * blocks, (long) batch * positions * channels * 4, task);
        } finally {
            // the arrays belong to the caller's buffers: not kept past the call
            h = null;
            a = null;
            b = null;
            dA = null;
            dB = null;
            dH = null;
        }
    }

    /** Offset, within a (B, N, C) buffer, of the step-th position in scan order of batch row {@code row}. */
    private int rowStart(int row, int step) {
        int t = reverse ? positions - 1 - step : step;
        return (row * positions + t) * channels;
    }

    /** Task {@code task} = (row, block): h_t = fma(a_t, h_{t-1}, b_t) along the scan, h_{-1} = 0. */
    private void forwardBlock(int task) {
        int row = task / blocks;
        int c0 = (task % blocks) * BLOCK;
        int c1 = Math.min(channels, c0 + BLOCK);
        float[] hf = h.f;
        float[] af = a.f;
        float[] bf = b.f;
        int ho = h.offset;
        int ao = a.offset;
        int bo = b.offset;
        int c = c0;
        for (int bound = c0 + SPECIES.loopBound(c1 - c0); c < bound; c += LANES) {
            FloatVector state = FloatVector.zero(SPECIES);
            for (int step = 0; step < positions; step++) {
                int at = rowStart(row, step) + c;
                state = FloatVector.fromArray(SPECIES, af, ao + at)
                        .fma(state, FloatVector.fromArray(SPECIES, bf, bo + at));
                state.intoArray(hf, ho + at);
            }
        }
        for (; c < c1; c++) {
            float state = 0f;
            for (int step = 0; step < positions; step++) {
                int at = rowStart(row, step) + c;
                state = Math.fma(af[ao + at], state, bf[bo + at]);
                hf[ho + at] = state;
            }
        }
    }

    /**
     * Task {@code task} = (row, block), against the scan order: g_t = fma(a_{t+1}, g_{t+1}, dh_t), then
     * da_t = fma(g_t, h_{t-1}, da_t) (nothing at the first step, where h_{-1} = 0) and db_t += g_t.
     */
    private void backwardBlock(int task) {
        int row = task / blocks;
        int c0 = (task % blocks) * BLOCK;
        int c1 = Math.min(channels, c0 + BLOCK);
        float[] hf = h.f;
        float[] af = a.f;
        float[] dhf = dH.f;
        float[] daf = dA == null ? null : dA.f;
        float[] dbf = dB == null ? null : dB.f;
        int ho = h.offset;
        int ao = a.offset;
        int dho = dH.offset;
        int dao = dA == null ? 0 : dA.offset;
        int dbo = dB == null ? 0 : dB.offset;
        int c = c0;
        for (int bound = c0 + SPECIES.loopBound(c1 - c0); c < bound; c += LANES) {
            FloatVector g = FloatVector.zero(SPECIES);
            FloatVector next = FloatVector.zero(SPECIES);
            for (int step = positions - 1; step >= 0; step--) {
                int at = rowStart(row, step) + c;
                g = next.fma(g, FloatVector.fromArray(SPECIES, dhf, dho + at));
                if (daf != null && step > 0) {
                    FloatVector prev = FloatVector.fromArray(SPECIES, hf, ho + rowStart(row, step - 1) + c);
                    g.fma(prev, FloatVector.fromArray(SPECIES, daf, dao + at)).intoArray(daf, dao + at);
                }
                if (dbf != null) {
                    FloatVector.fromArray(SPECIES, dbf, dbo + at).add(g).intoArray(dbf, dbo + at);
                }
                next = FloatVector.fromArray(SPECIES, af, ao + at);
            }
        }
        for (; c < c1; c++) {
            float g = 0f;
            float next = 0f;
            for (int step = positions - 1; step >= 0; step--) {
                int at = rowStart(row, step) + c;
                g = Math.fma(next, g, dhf[dho + at]);
                if (daf != null && step > 0) {
                    daf[dao + at] = Math.fma(g, hf[ho + rowStart(row, step - 1) + c], daf[dao + at]);
                }
                if (dbf != null) {
                    dbf[dbo + at] += g;
                }
                next = af[ao + at];
            }
        }
    }
}

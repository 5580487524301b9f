package org.samplex.backend.cpu;

import java.util.function.IntConsumer;
import jdk.incubator.vector.FloatVector;

/**
 * GRU and LSTM cells in float32, PyTorch's gate order and equations (see {@link org.samplex.api.Backend}). One
 * task per batch row; a row's gates are computed in a few lane-wise vector passes over it (gates first hold the
 * pre-activations), each with a scalar tail of the same IEEE operations, so results do not depend on the thread
 * count. Sigmoid and tanh are {@link CpuVec#sigmoid(float)} and {@link CpuVec#tanh(float)}, built on the
 * deterministic float32 exp (a few ulps), in the forward and in the backward's recomputed tanh alike.
 *
 * <p>Allocation: none per call; the cell's buffers are fields of this per-backend object (calls on a backend are
 * serial), read by one reusable task. Each buffer is a {@link HostBuffer}: its array {@code f} and its element
 * offset; a null gradient buffer is skipped.
 */
final class CpuRecurrent {
    /** Rough scalar cost of one hidden unit of one row (a few exp/tanh). */
    private static final int UNIT_COST = 40;

    private final CpuParallel par;

    // ---- the call in progress: its buffers in the kernel's argument order -------------------------------------
    private int hidden;
    private HostBuffer b0;
    private HostBuffer b1;
    private HostBuffer b2;
    private HostBuffer b3;
    private HostBuffer b4;
    private HostBuffer b5;
    private HostBuffer b6;

    // ---- one reusable task per kernel, over batch rows ---------------------------------------------------------
    private final IntConsumer gruForwardTask = b -> gruForwardRow(b, b0, b1, b2, b3, b4);
    private final IntConsumer gruBackwardTask = b -> gruBackwardRow(b, b0, b1, b2, b3, b4, b5, b6);
    private final IntConsumer lstmForwardTask = b -> lstmForwardRow(b, b0, b1, b2, b3, b4, b5);
    private final IntConsumer lstmBackwardTask = b -> lstmBackwardRow(b, b0, b1, b2, b3, b4, b5, b6);

    CpuRecurrent(CpuParallel par) {
        this.par = par;
    }

    /** Runs {@code task} over the batch rows with the call's buffers b0 to b6 (unused ones null). */
    private void run(IntConsumer task, int batch, int hidden, HostBuffer b0, HostBuffer b1, HostBuffer b2,
                     HostBuffer b3, HostBuffer b4, HostBuffer b5, HostBuffer b6) {
        this.hidden = hidden;
        this.b0 = b0;
        this.b1 = b1;
        this.b2 = b2;
        this.b3 = b3;
        this.b4 = b4;
        this.b5 = b5;
        this.b6 = b6;
        try {
            par.forEach(batch, (long) batch * hidden * UNIT_COST, task);
        } finally {
            this.b0 = null;
            this.b1 = null;
            this.b2 = null;
            this.b3 = null;
            this.b4 = null;
            this.b5 = null;
            this.b6 = null;
        }
    }

    /** r, z, n, h' = (1 - z) n + z h for every row; gates (B, 3h) keep r, z, n. */
    void gruForward(HostBuffer hNew, HostBuffer gates, HostBuffer gi, HostBuffer gh, HostBuffer hPrev, int batch,
                    int hidden) {
        run(gruForwardTask, batch, hidden, hNew, gates, gi, gh, hPrev, null, null);
    }

    private void gruForwardRow(int b, HostBuffer hNewB, HostBuffer gatesB, HostBuffer giB, HostBuffer ghB,
                               HostBuffer hPrevB) {
        int hidden = this.hidden;
        float[] hNew = hNewB.f;
        float[] gates = gatesB.f;
        float[] gi = giB.f;
        float[] gh = ghB.f;
        float[] hPrev = hPrevB.f;
        int hno = hNewB.offset;
        int go = gatesB.offset;
        int gio = giB.offset;
        int gho = ghB.offset;
        int hpo = hPrevB.offset;
        int g3 = b * 3 * hidden;
        int h0 = b * hidden;
        // r and z: sigmoid(gi + gh) over the row's first 2h gates, computed in place in gates
        CpuVec.add(gates, go + g3, gi, gio + g3, gh, gho + g3, 2 * hidden);
        CpuVec.sigmoid(gates, go + g3, 2 * hidden);
        int r0 = go + g3;
        int n0 = go + g3 + 2 * hidden;
        // n = tanh(gi_n + r gh_n)
        int j = 0;
        for (int bound = CpuVec.SPECIES.loopBound(hidden); j < bound; j += CpuVec.LANES) {
            FloatVector r = FloatVector.fromArray(CpuVec.SPECIES, gates, r0 + j);
            r.mul(FloatVector.fromArray(CpuVec.SPECIES, gh, gho + g3 + 2 * hidden + j))
                    .add(FloatVector.fromArray(CpuVec.SPECIES, gi, gio + g3 + 2 * hidden + j)).intoArray(gates, n0 + j);
        }
        for (; j < hidden; j++) {
            gates[n0 + j] = gi[gio + g3 + 2 * hidden + j] + gates[r0 + j] * gh[gho + g3 + 2 * hidden + j];
        }
        CpuVec.tanh(gates, n0, hidden);
        // h' = (1 - z) n + z h
        int z0 = go + g3 + hidden;
        j = 0;
        for (int bound = CpuVec.SPECIES.loopBound(hidden); j < bound; j += CpuVec.LANES) {
            FloatVector z = FloatVector.fromArray(CpuVec.SPECIES, gates, z0 + j);
            FloatVector n = FloatVector.fromArray(CpuVec.SPECIES, gates, n0 + j);
            FloatVector h = FloatVector.fromArray(CpuVec.SPECIES, hPrev, hpo + h0 + j);
            FloatVector.broadcast(CpuVec.SPECIES, 1f).sub(z).mul(n).add(z.mul(h)).intoArray(hNew, hno + h0 + j);
        }
        for (; j < hidden; j++) {
            float z = gates[z0 + j];
            hNew[hno + h0 + j] = (1f - z) * gates[n0 + j] + z * hPrev[hpo + h0 + j];
        }
    }

    /**
     * Adds into dGi, dGh (B, 3h) and dHPrev (B, h); null ones are skipped. From h' = (1 - z) n + z h:
     * dn = dh' (1 - z), dz = dh' (h - n), dh += dh' z; n = tanh(gi_n + r gh_n): dn_pre = dn (1 - n^2), dgh_n =
     * dn_pre r, dr = dn_pre gh_n; r, z = sigmoid(gi + gh): d_pre = d s (1 - s) into both dGi and dGh.
     */
    void gruBackward(HostBuffer dGi, HostBuffer dGh, HostBuffer dHPrev, HostBuffer dHNew, HostBuffer gates,
                     HostBuffer gh, HostBuffer hPrev, int batch, int hidden) {
        run(gruBackwardTask, batch, hidden, dGi, dGh, dHPrev, dHNew, gates, gh, hPrev);
    }

    private void gruBackwardRow(int b, HostBuffer dGiB, HostBuffer dGhB, HostBuffer dHPrevB, HostBuffer dHNewB,
                                HostBuffer gatesB, HostBuffer ghB, HostBuffer hPrevB) {
        int hidden = this.hidden;
        float[] dGi = dGiB == null ? null : dGiB.f;
        float[] dGh = dGhB == null ? null : dGhB.f;
        float[] dHPrev = dHPrevB == null ? null : dHPrevB.f;
        int dgio = dGiB == null ? 0 : dGiB.offset;
        int dgho = dGhB == null ? 0 : dGhB.offset;
        int dhpo = dHPrevB == null ? 0 : dHPrevB.offset;
        float[] dHNew = dHNewB.f;
        float[] gates = gatesB.f;
        float[] gh = ghB.f;
        float[] hPrev = hPrevB.f;
        int dhno = dHNewB.offset;
        int go = gatesB.offset;
        int gho = ghB.offset;
        int hpo = hPrevB.offset;
        int g3 = b * 3 * hidden;
        for (int j = 0; j < hidden; j++) {
            int ir = g3 + j;
            int iz = ir + hidden;
            int in = iz + hidden;
            float r = gates[go + ir];
            float z = gates[go + iz];
            float n = gates[go + in];
            float h = hPrev[hpo + b * hidden + j];
            float dh = dHNew[dhno + b * hidden + j];
            float dnPre = dh * (1f - z) * (1f - n * n);
            float dzPre = dh * (h - n) * (z * (1f - z));
            float drPre = dnPre * gh[gho + in] * (r * (1f - r));
            if (dGi != null) {
                dGi[dgio + ir] += drPre;
                dGi[dgio + iz] += dzPre;
                dGi[dgio + in] += dnPre;
            }
            if (dGh != null) {
                dGh[dgho + ir] += drPre;
                dGh[dgho + iz] += dzPre;
                dGh[dgho + in] += dnPre * r;
            }
            if (dHPrev != null) {
                dHPrev[dhpo + b * hidden + j] += dh * z;
            }
        }
    }

    /** i, f, g, o of pre = gi + gh; c' = f c + i g; h' = o tanh(c'); gates (B, 4h) keep the activated i, f, g, o. */
    void lstmForward(HostBuffer hNew, HostBuffer cNew, HostBuffer gates, HostBuffer gi, HostBuffer gh,
                     HostBuffer cPrev, int batch, int hidden) {
        run(lstmForwardTask, batch, hidden, hNew, cNew, gates, gi, gh, cPrev, null);
    }

    private void lstmForwardRow(int b, HostBuffer hNewB, HostBuffer cNewB, HostBuffer gatesB, HostBuffer giB,
                                HostBuffer ghB, HostBuffer cPrevB) {
        int hidden = this.hidden;
        float[] hNew = hNewB.f;
        float[] cNew = cNewB.f;
        float[] gates = gatesB.f;
        float[] gi = giB.f;
        float[] gh = ghB.f;
        float[] cPrev = cPrevB.f;
        int hno = hNewB.offset;
        int cno = cNewB.offset;
        int go = gatesB.offset;
        int gio = giB.offset;
        int gho = ghB.offset;
        int cpo = cPrevB.offset;
        int g4 = b * 4 * hidden;
        int h0 = b * hidden;
        // i, f: sigmoid; g: tanh; o: sigmoid, of gi + gh, in place in gates
        CpuVec.add(gates, go + g4, gi, gio + g4, gh, gho + g4, 4 * hidden);
        CpuVec.sigmoid(gates, go + g4, 2 * hidden);
        CpuVec.tanh(gates, go + g4 + 2 * hidden, hidden);
        CpuVec.sigmoid(gates, go + g4 + 3 * hidden, hidden);
        int i0 = go + g4;
        int f0 = i0 + hidden;
        int gg0 = f0 + hidden;
        // c' = f c + i g, and h' starts as c'
        int j = 0;
        for (int bound = CpuVec.SPECIES.loopBound(hidden); j < bound; j += CpuVec.LANES) {
            FloatVector f = FloatVector.fromArray(CpuVec.SPECIES, gates, f0 + j);
            FloatVector i = FloatVector.fromArray(CpuVec.SPECIES, gates, i0 + j);
            FloatVector g = FloatVector.fromArray(CpuVec.SPECIES, gates, gg0 + j);
            FloatVector c = f.mul(FloatVector.fromArray(CpuVec.SPECIES, cPrev, cpo + h0 + j)).add(i.mul(g));
            c.intoArray(cNew, cno + h0 + j);
            c.intoArray(hNew, hno + h0 + j);
        }
        for (; j < hidden; j++) {
            float c = gates[f0 + j] * cPrev[cpo + h0 + j] + gates[i0 + j] * gates[gg0 + j];
            cNew[cno + h0 + j] = c;
            hNew[hno + h0 + j] = c;
        }
        // h' = o tanh(c')
        CpuVec.tanh(hNew, hno + h0, hidden);
        CpuVec.mul(hNew, hno + h0, hNew, hno + h0, gates, gg0 + hidden, hidden);
    }

    /**
     * Adds into dPre (B, 4h) and dCPrev (B, h); null ones (and a null dCNew, meaning zero) are skipped. From
     * h' = o tanh(c'): do = dh' tanh(c'), dc = dc' + dh' o (1 - tanh(c')^2); from c' = f c + i g: di = dc g,
     * df = dc c, dg = dc i, dc_prev += dc f; then through each gate's activation.
     */
    void lstmBackward(HostBuffer dPre, HostBuffer dCPrev, HostBuffer dHNew, HostBuffer dCNew, HostBuffer gates,
                      HostBuffer cPrev, HostBuffer cNew, int batch, int hidden) {
        run(lstmBackwardTask, batch, hidden, dPre, dCPrev, dHNew, dCNew, gates, cPrev, cNew);
    }

    private void lstmBackwardRow(int b, HostBuffer dPreB, HostBuffer dCPrevB, HostBuffer dHNewB, HostBuffer dCNewB,
                                 HostBuffer gatesB, HostBuffer cPrevB, HostBuffer cNewB) {
        int hidden = this.hidden;
        float[] dPre = dPreB == null ? null : dPreB.f;
        float[] dCPrev = dCPrevB == null ? null : dCPrevB.f;
        float[] dCNew = dCNewB == null ? null : dCNewB.f;
        int dpo = dPreB == null ? 0 : dPreB.offset;
        int dcpo = dCPrevB == null ? 0 : dCPrevB.offset;
        int dcno = dCNewB == null ? 0 : dCNewB.offset;
        float[] dHNew = dHNewB.f;
        float[] gates = gatesB.f;
        float[] cPrev = cPrevB.f;
        float[] cNew = cNewB.f;
        int dhno = dHNewB.offset;
        int go = gatesB.offset;
        int cpo = cPrevB.offset;
        int cno = cNewB.offset;
        int g4 = b * 4 * hidden;
        for (int j = 0; j < hidden; j++) {
            int ii = g4 + j;
            int ifo = ii + hidden;
            int ig = ifo + hidden;
            int io = ig + hidden;
            int e = b * hidden + j;
            float i = gates[go + ii];
            float f = gates[go + ifo];
            float g = gates[go + ig];
            float o = gates[go + io];
            float tc = CpuVec.tanh(cNew[cno + e]);
            float dh = dHNew[dhno + e];
            float dc = dh * o * (1f - tc * tc);
            if (dCNew != null) {
                dc += dCNew[dcno + e];
            }
            if (dPre != null) {
                dPre[dpo + ii] += dc * g * (i * (1f - i));
                dPre[dpo + ifo] += dc * cPrev[cpo + e] * (f * (1f - f));
                dPre[dpo + ig] += dc * i * (1f - g * g);
                dPre[dpo + io] += dh * tc * (o * (1f - o));
            }
            if (dCPrev != null) {
                dCPrev[dcpo + e] += dc * f;
            }
        }
    }
}

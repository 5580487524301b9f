package org.samplex.backend.cpu;

import java.util.Arrays;
import java.util.function.IntConsumer;
import jdk.incubator.vector.FloatVector;

/**
 * Float32 multi-head softmax attention, one task per (batch entry, head); a task owns its head's columns of out,
 * lse, dQ, dK and dV for its batch entry, so tasks never write the same element. Scores of one query row are
 * computed at once as {@code sum_d q[i,d] * K^T[d,:]} over a packed K^T (hd, N) of the head, so the inner loop is a
 * register-accumulated sum of vector rows; the softmax subtracts the row maximum and keeps {@code lse = max + ln(sum exp)}.
 *
 * <p>Row width of q, k, v, out: W = H * hd; element (b, i, head j, c) is at {@code b*N*W + i*W + j*hd + c}.
 *
 * <p>Allocation: none per call. The shape and buffers of the call are fields of this per-backend object (calls on a
 * backend are serial), read by one reusable task per direction; a task's packed K^T and V^T, its rows and its dK
 * and dV sums live in its thread's {@link CpuScratch}. {@link org.samplex.api.CheckedBackend} checked that
 * B * N * H * hd fits an int.
 */
final class CpuAttention {
    private final CpuParallel par;
    private final IntConsumer forwardTask = this::forwardHead;
    private final IntConsumer backwardTask = this::backwardHead;

    // ---- the shape of the call in progress -------------------------------------------------------------------
    private int batch;
    private int positions;
    private int heads;
    private int headWidth;
    private float scale;
    private boolean causal;

    // ---- its buffers; gradients may be null ------------------------------------------------------------------
    private HostBuffer out;
    private HostBuffer lse;
    private HostBuffer q;
    private HostBuffer k;
    private HostBuffer v;
    private HostBuffer dQ;
    private HostBuffer dK;
    private HostBuffer dV;
    private HostBuffer dOut;

    CpuAttention(CpuParallel par) {
        this.par = par;
    }

    private void shape(int batch, int positions, int heads, int headWidth, double scale, boolean causal) {
        this.batch = batch;
        this.positions = positions;
        this.heads = heads;
        this.headWidth = headWidth;
        this.scale = (float) scale;
        this.causal = causal;
    }

    private long work() {
        return (long) batch * heads * positions * positions * headWidth;
    }

    /** Offset of position 0, head column 0 of task (b, head) within a (B, N, W) buffer. */
    private int base(int b, int head) {
        return b * positions * heads * headWidth + head * headWidth;
    }

    /** The packed K^T and V^T rows' stride: N rounded up to whole vectors, so a row of scores is whole vectors. */
    private int padded() {
        return (positions + CpuVec.LANES - 1) / CpuVec.LANES * CpuVec.LANES;
    }

    /** Keys query row i attends to. */
    private int keys(int i) {
        return causal ? i + 1 : positions;
    }

    private void clear() {
        out = null;
        lse = null;
        q = null;
        k = null;
        v = null;
        dQ = null;
        dK = null;
        dV = null;
        dOut = null;
    }

    void forward(HostBuffer out, HostBuffer lse, HostBuffer q, HostBuffer k, HostBuffer v, int batch, int positions,
                 int heads, int headWidth, double scale, boolean causal) {
        shape(batch, positions, heads, headWidth, scale, causal);
        this.out = out;
        this.lse = lse;
        this.q = q;
        this.k = k;
        this.v = v;
        try {
            par.forEach(batch * heads, work(), forwardTask);
        } finally {
            clear();
        }
    }

    private void forwardHead(int task) {
        int b = task / heads;
        int head = task % heads;
        int n = positions;
        int hd = headWidth;
        int w = heads * hd;
        int base = base(b, head);
        float[] qx = q.f;
        float[] ox = out.f;
        int qo = q.offset;
        int oo = out.offset;
        CpuScratch scratch = CpuScratch.get();
        int np = padded();
        float[] kt = packTransposed(k, base, scratch.floats(CpuScratch.KT, hd * np)); // (hd, Np)
        float[] row = scratch.floats(CpuScratch.ROW, np); // (Np) scores, then probabilities
        int hdp = (hd + CpuVec.LANES - 1) / CpuVec.LANES * CpuVec.LANES;
        float[] vp = packRows(v, base, hdp, scratch.floats(CpuScratch.VT, n * hdp)); // (N, hdp)
        float[] acc = scratch.floats(CpuScratch.ACC, hdp); // (hdp) one output row
        int lseBase = lse.offset + (b * heads + head) * n;
        for (int i = 0; i < n; i++) {
            int len = keys(i);
            int qi = qo + base + i * w;
            float max = scores(qx, qi, kt, row);
            float sum = 0f;
            for (int t = 1; t < len; t++) {
                max = Math.max(max, row[t]);
            }
            CpuVec.expShifted(row, len, max);
            for (int t = 0; t < len; t++) {
                sum += row[t];
            }
            float inv = 1f / sum;
            combineRows(row, 0, inv, len, vp, hdp, hdp, acc); // acc = sum_t (p_t / sum) v_t
            System.arraycopy(acc, 0, ox, oo + base + i * w, hd);
            lse.f[lseBase + i] = max + (float) Math.log(sum);
        }
    }

    /**
     * row[0, Np) = scale * (q row) K^T over the padded K^T (lanes past N score the zero padding; a causal row's
     * lanes past its keys are computed and ignored); returns row[0] as a starting maximum. Each score accumulates
     * its products in d order with fused multiply-adds ({@link #combineRows}).
     */
    private float scores(float[] q, int qi, float[] kt, float[] row) {
        int np = padded();
        combineRows(q, qi, 1f, headWidth, kt, np, np, row);
        CpuVec.scale(row, 0, scale, np);
        return row[0];
    }

    /**
     * out[0, width) = sum over j in [0, count), in j order, of (coef[co + j] * mul) m[j stride, j stride + width),
     * one fused multiply-add per term (the bits of zeroing out and adding axpys in j order); width is whole
     * vectors. Each vector of out is accumulated in a register over all j, so the row is stored once rather than
     * loaded and stored per j. Vectors stay inside this method (handed to a call that is not inlined they would
     * be boxed).
     */
    private static void combineRows(float[] coef, int co, float mul, int count, float[] m, int stride, int width,
                                    float[] out) {
        for (int c = 0; c < width; c += CpuVec.LANES) {
            FloatVector acc = FloatVector.zero(CpuVec.SPECIES);
            for (int j = 0; j < count; j++) {
                acc = FloatVector.broadcast(CpuVec.SPECIES, coef[co + j] * mul)
                        .fma(FloatVector.fromArray(CpuVec.SPECIES, m, j * stride + c), acc);
            }
            acc.intoArray(out, c);
        }
    }

    /** The head's (N, hd) slice of x as packed rows (N, hdp), zero past hd, so each row is whole vectors. */
    private float[] packRows(HostBuffer x, int base, int hdp, float[] packed) {
        int hd = headWidth;
        int w = heads * hd;
        for (int t = 0; t < positions; t++) {
            System.arraycopy(x.f, x.offset + base + t * w, packed, t * hdp, hd);
            Arrays.fill(packed, t * hdp + hd, (t + 1) * hdp, 0f);
        }
        return packed;
    }

    /** The head's (N, hd) slice of x, transposed into packed (hd, Np) with zero columns past N, returned. */
    private float[] packTransposed(HostBuffer x, int base, float[] packed) {
        int n = positions;
        int np = padded();
        int hd = headWidth;
        int w = heads * hd;
        float[] src = x.f;
        for (int t = 0; t < n; t++) {
            int from = x.offset + base + t * w;
            for (int d = 0; d < hd; d++) {
                packed[d * np + t] = src[from + d];
            }
        }
        for (int d = 0; d < hd; d++) {
            Arrays.fill(packed, d * np + n, (d + 1) * np, 0f);
        }
        return packed;
    }

    /**
     * Adds the gradients of one head: with P recomputed as exp(scores - lse), dP = dO V^T, D_i = sum_t P_it dP_it
     * and dS = P (dP - D): dQ += scale dS K, dK += scale dS^T Q, dV += P^T dO. dK and dV are summed over queries in
     * query order in task-local arrays and added once; a null gradient buffer is skipped.
     */
    void backward(HostBuffer dQ, HostBuffer dK, HostBuffer dV, HostBuffer dOut, HostBuffer q, HostBuffer k,
                  HostBuffer v, HostBuffer lse, int batch, int positions, int heads, int headWidth, double scale,
                  boolean causal) {
        shape(batch, positions, heads, headWidth, scale, causal);
        this.dQ = dQ;
        this.dK = dK;
        this.dV = dV;
        this.dOut = dOut;
        this.q = q;
        this.k = k;
        this.v = v;
        this.lse = lse;
        try {
            par.forEach(batch * heads, 2 * work(), backwardTask);
        } finally {
            clear();
        }
    }

    private void backwardHead(int task) {
        int b = task / heads;
        int head = task % heads;
        int n = positions;
        int hd = headWidth;
        int w = heads * hd;
        int base = base(b, head);
        float[] qx = q.f;
        float[] kx = k.f;
        float[] gx = dOut.f;
        int qo = q.offset;
        int ko = k.offset;
        int go = dOut.offset;
        CpuScratch scratch = CpuScratch.get();
        int np = padded();
        float[] kt = packTransposed(k, base, scratch.floats(CpuScratch.KT, hd * np)); // (hd, Np)
        float[] vt = packTransposed(v, base, scratch.floats(CpuScratch.VT, hd * np)); // (hd, Np)
        float[] p = scratch.floats(CpuScratch.ROW, np); // (Np) probabilities of one query row
        float[] ds = scratch.floats(CpuScratch.ROW_GRAD, np); // (Np) their gradient, then the scaled scores
        float[] dq = scratch.floats(CpuScratch.ACC, hd); // (hd)
        float[] dk = dK == null ? null : zeroed(scratch.floats(CpuScratch.DK, n * hd), n * hd); // (N, hd)
        float[] dv = dV == null ? null : zeroed(scratch.floats(CpuScratch.DV, n * hd), n * hd); // (N, hd)
        int lseBase = lse.offset + (b * heads + head) * n;
        for (int i = 0; i < n; i++) {
            int len = keys(i);
            int qi = qo + base + i * w;
            int gi = go + base + i * w;
            scores(qx, qi, kt, p);
            CpuVec.expShifted(p, len, lse.f[lseBase + i]);
            if (dv != null) {
                // out_i = sum_t p_t v_t  ->  dV_t += p_t dOut_i
                for (int t = 0; t < len; t++) {
                    CpuVec.axpy(p[t], gx, gi, dv, t * hd, hd);
                }
            }
            if (dQ == null && dk == null) {
                continue;
            }
            scoreGradients(gx, gi, vt, p, ds, len);
            if (dQ != null) {
                // s_t = scale <q_i, k_t>  ->  dQ_i += scale dS_t k_t
                Arrays.fill(dq, 0, hd, 0f);
                for (int t = 0; t < len; t++) {
                    CpuVec.axpy(ds[t], kx, ko + base + t * w, dq, 0, hd);
                }
                CpuVec.addInto(dQ.f, dQ.offset + base + i * w, dq, 0, hd);
            }
            if (dk != null) {
                // s_t = scale <q_i, k_t>  ->  dK_t += scale dS_t q_i
                for (int t = 0; t < len; t++) {
                    CpuVec.axpy(ds[t], qx, qi, dk, t * hd, hd);
                }
            }
        }
        addRows(dK, dk, base);
        addRows(dV, dv, base);
    }

    private static float[] zeroed(float[] x, int length) {
        Arrays.fill(x, 0, length, 0f);
        return x;
    }

    /**
     * ds[0, len) = scale dS for one query row: dP_t = dOut_i . v_t (rows of the padded V^T summed in registers), D = sum_t p_t dP_t
     * (from the recomputed p, as the reference does, so out is not needed), dS_t = p_t (dP_t - D).
     */
    private void scoreGradients(float[] dOut, int gi, float[] vt, float[] p, float[] ds, int len) {
        int np = padded();
        combineRows(dOut, gi, 1f, headWidth, vt, np, np, ds);
        float dot = 0f;
        for (int t = 0; t < len; t++) {
            dot = Math.fma(p[t], ds[t], dot);
        }
        float s = scale;
        for (int t = 0; t < len; t++) {
            ds[t] = s * (p[t] * (ds[t] - dot));
        }
    }

    /** Head columns of g (B, N, W) += local (N, hd). */
    private void addRows(HostBuffer g, float[] local, int base) {
        if (g == null) {
            return;
        }
        int hd = headWidth;
        int w = heads * hd;
        for (int t = 0; t < positions; t++) {
            CpuVec.addInto(g.f, g.offset + base + t * w, local, t * hd, hd);
        }
    }
}

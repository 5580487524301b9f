package org.samplex.backend.cpu;

import java.util.Arrays;

/**
 * Float32 multi-head softmax attention, one task per (batch entry, head); a task owns its head's columns of out,
 * lse, dQ, dK and dV for its batch entry, so tasks never write the same element. Scores of one query row are
 * computed at once as {@code sum_d q[i,d] * K^T[d,:]} over a packed K^T (hd, N) of the head, so the inner loop is a
 * contiguous axpy; the softmax subtracts the row maximum and keeps {@code lse = max + ln(sum exp)}.
 *
 * <p>Row width of q, k, v, out: W = H * hd; element (b, i, head j, c) is at {@code b*N*W + i*W + j*hd + c}.
 */
final class CpuAttention {
    private CpuAttention() {
    }

    /** The shape shared by forward and backward; {@link HostKernels} checked that B * N * H * hd fits an int. */
    record Shape(int batch, int positions, int heads, int headWidth, float scale, boolean causal) {
        int width() {
            return heads * headWidth;
        }

        /** Offset of position 0, head column 0 of task (b, head) within a (B, N, W) buffer. */
        int base(int b, int head) {
            return b * positions * width() + head * headWidth;
        }

        /** Keys a query row attends to. */
        int keys(int i) {
            return causal ? i + 1 : positions;
        }

        long work() {
            return (long) batch * heads * positions * positions * headWidth;
        }
    }

    static void forward(CpuParallel par, Shape s, CpuView out, CpuView lse, CpuView q, CpuView k, CpuView v) {
        par.forEach(s.batch() * s.heads(), s.work(),
                t -> forwardHead(s, t / s.heads(), t % s.heads(), out, lse, q, k, v));
    }

    private static void forwardHead(Shape s, int b, int head, CpuView out, CpuView lse, CpuView q, CpuView k,
                                    CpuView v) {
        int n = s.positions();
        int hd = s.headWidth();
        int w = s.width();
        int base = s.base(b, head);
        float[] kt = packTransposed(k, base, s); // (hd, N)
        float[] row = new float[n]; // (N) scores, then probabilities
        float[] acc = new float[hd]; // (hd) one output row
        int lseBase = lse.off() + (b * s.heads() + head) * n;
        for (int i = 0; i < n; i++) {
            int len = s.keys(i);
            int qi = q.off() + base + i * w;
            float max = scores(q.x(), qi, kt, s, row, len);
            float sum = 0f;
            for (int t = 1; t < len; t++) {
                max = Math.max(max, row[t]);
            }
            for (int t = 0; t < len; t++) {
                row[t] = (float) Math.exp(row[t] - max);
                sum += row[t];
            }
            float inv = 1f / sum;
            Arrays.fill(acc, 0f);
            for (int t = 0; t < len; t++) {
                CpuVec.axpy(row[t] * inv, v.x(), v.off() + base + t * w, acc, 0, hd);
            }
            System.arraycopy(acc, 0, out.x(), out.off() + base + i * w, hd);
            lse.x()[lseBase + i] = max + (float) Math.log(sum);
        }
    }

    /**
     * row[0, len) = scale * (q row) K^T; returns row[0] as a starting maximum. Each score accumulates its products
     * in d order with fused multiply-adds.
     */
    private static float scores(float[] q, int qi, float[] kt, Shape s, float[] row, int len) {
        int n = s.positions();
        Arrays.fill(row, 0, len, 0f);
        for (int d = 0; d < s.headWidth(); d++) {
            CpuVec.axpy(q[qi + d], kt, d * n, row, 0, len);
        }
        float scale = s.scale();
        for (int t = 0; t < len; t++) {
            row[t] *= scale;
        }
        return row[0];
    }

    /** The head's (N, hd) slice of x, transposed into a new (hd, N) array. */
    private static float[] packTransposed(CpuView x, int base, Shape s) {
        int n = s.positions();
        int hd = s.headWidth();
        int w = s.width();
        float[] packed = new float[hd * n];
        for (int t = 0; t < n; t++) {
            int src = x.off() + base + t * w;
            for (int d = 0; d < hd; d++) {
                packed[d * n + t] = x.x()[src + d];
            }
        }
        return packed;
    }

    /**
     * Adds the gradients of one head: with P recomputed as exp(scores - lse), dP = dO V^T, D_i = sum_t P_it dP_it
     * and dS = P (dP - D): dQ += scale dS K, dK += scale dS^T Q, dV += P^T dO. dK and dV are summed over queries in
     * query order in task-local arrays and added once; a null gradient view is skipped.
     */
    static void backward(CpuParallel par, Shape s, Grads g, CpuView dOut, CpuView q, CpuView k, CpuView v,
                         CpuView lse) {
        par.forEach(s.batch() * s.heads(), 2 * s.work(), t -> backwardHead(s, t / s.heads(), t % s.heads(), g, dOut,
                q, k, v, lse));
    }

    /** The gradients attention backward adds into; any may be null. */
    record Grads(CpuView dQ, CpuView dK, CpuView dV) {
    }

    private static void backwardHead(Shape s, int b, int head, Grads g, CpuView dOut, CpuView q, CpuView k,
                                     CpuView v, CpuView lse) {
        int n = s.positions();
        int hd = s.headWidth();
        int w = s.width();
        int base = s.base(b, head);
        float[] kt = packTransposed(k, base, s); // (hd, N)
        float[] vt = packTransposed(v, base, s); // (hd, N)
        float[] p = new float[n]; // (N) probabilities of one query row
        float[] ds = new float[n]; // (N) gradient of those probabilities, then of the scaled scores
        float[] dq = new float[hd]; // (hd)
        float[] dk = g.dK() == null ? null : new float[n * hd]; // (N, hd)
        float[] dv = g.dV() == null ? null : new float[n * hd]; // (N, hd)
        int lseBase = lse.off() + (b * s.heads() + head) * n;
        for (int i = 0; i < n; i++) {
            int len = s.keys(i);
            int qi = q.off() + base + i * w;
            int gi = dOut.off() + base + i * w;
            scores(q.x(), qi, kt, s, p, len);
            float rowLse = lse.x()[lseBase + i];
            for (int t = 0; t < len; t++) {
                p[t] = (float) Math.exp(p[t] - rowLse);
            }
            if (dv != null) {
                // out_i = sum_t p_t v_t  ->  dV_t += p_t dOut_i
                for (int t = 0; t < len; t++) {
                    CpuVec.axpy(p[t], dOut.x(), gi, dv, t * hd, hd);
                }
            }
            if (g.dQ() == null && dk == null) {
                continue;
            }
            scoreGradients(dOut.x(), gi, vt, s, p, ds, len);
            if (g.dQ() != null) {
                // s_t = scale <q_i, k_t>  ->  dQ_i += scale dS_t k_t
                Arrays.fill(dq, 0f);
                for (int t = 0; t < len; t++) {
                    CpuVec.axpy(ds[t], k.x(), k.off() + base + t * w, dq, 0, hd);
                }
                CpuVec.addInto(g.dQ().x(), g.dQ().off() + base + i * w, dq, 0, hd);
            }
            if (dk != null) {
                // s_t = scale <q_i, k_t>  ->  dK_t += scale dS_t q_i
                for (int t = 0; t < len; t++) {
                    CpuVec.axpy(ds[t], q.x(), qi, dk, t * hd, hd);
                }
            }
        }
        addRows(g.dK(), dk, base, s);
        addRows(g.dV(), dv, base, s);
    }

    /**
     * ds[0, len) = scale dS for one query row: dP_t = dOut_i . v_t (an axpy over the packed V^T), D = sum_t p_t dP_t
     * (from the recomputed p, as the reference does, so out is not needed), dS_t = p_t (dP_t - D).
     */
    private static void scoreGradients(float[] dOut, int gi, float[] vt, Shape s, float[] p, float[] ds, int len) {
        Arrays.fill(ds, 0, len, 0f);
        for (int d = 0; d < s.headWidth(); d++) {
            CpuVec.axpy(dOut[gi + d], vt, d * s.positions(), ds, 0, len);
        }
        float dot = 0f;
        for (int t = 0; t < len; t++) {
            dot = Math.fma(p[t], ds[t], dot);
        }
        float scale = s.scale();
        for (int t = 0; t < len; t++) {
            ds[t] = scale * (p[t] * (ds[t] - dot));
        }
    }

    /** Head columns of g (B, N, W) += local (N, hd). */
    private static void addRows(CpuView g, float[] local, int base, Shape s) {
        if (g == null) {
            return;
        }
        int hd = s.headWidth();
        for (int t = 0; t < s.positions(); t++) {
            CpuVec.addInto(g.x(), g.off() + base + t * s.width(), local, t * hd, hd);
        }
    }
}

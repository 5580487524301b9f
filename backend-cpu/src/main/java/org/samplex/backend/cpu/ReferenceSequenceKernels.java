package org.samplex.backend.cpu;

import static org.samplex.backend.cpu.ReferenceBackend.addTo;
import static org.samplex.backend.cpu.ReferenceBackend.get;
import static org.samplex.backend.cpu.ReferenceBackend.positive;
import static org.samplex.backend.cpu.ReferenceBackend.set;

import org.samplex.api.Buffer;

/**
 * The reference's attention, GRU and LSTM kernels: scalar float64, one query row or one batch row at a time.
 * Attention materializes the softmax of each query row; its backward recomputes the probabilities from q, k and
 * the saved log-sum-exp, as a fused kernel would.
 */
final class ReferenceSequenceKernels {
    private ReferenceSequenceKernels() {
    }

    // ---- attention ----------------------------------------------------------------------------------------------

    /** The validated arguments of one attention call: (B, N, H*hd) tensors, row width H*hd. */
    private record Attention(int batch, int positions, int heads, int headWidth, double scale, boolean causal) {

        int width() {
            return heads * headWidth;
        }

        /** Index of column c of head j at position i of prompt b in a (B, N, H*hd) tensor. */
        int at(int b, int i, int j, int c) {
            return (b * positions + i) * width() + j * headWidth + c;
        }

        /** Index of query i of head j of prompt b in the (B, H, N) log-sum-exp. */
        int lseAt(int b, int j, int i) {
            return (b * heads + j) * positions + i;
        }

        /** Keys query i attends to: t in [0, keys(i)). */
        int keys(int i) {
            return causal ? i + 1 : positions;
        }

        /** scale * <q[b,i,j], k[b,t,j]>. */
        double score(HostBuffer q, HostBuffer k, int b, int i, int t, int j) {
            double dot = 0;
            for (int c = 0; c < headWidth; c++) {
                dot += get(q, at(b, i, j, c)) * get(k, at(b, t, j, c));
            }
            return scale * dot;
        }
    }

    private static Attention attention(String kernel, int batch, int positions, int heads, int headWidth,
                                       double scale, boolean causal) {
        positive(kernel + " batch", batch);
        positive(kernel + " positions", positions);
        positive(kernel + " heads", heads);
        positive(kernel + " headWidth", headWidth);
        positive(kernel + " size", (long) batch * positions * heads * headWidth);
        return new Attention(batch, positions, heads, headWidth, scale, causal);
    }

    static void attentionForward(ReferenceBackend be, Buffer out, Buffer lse, Buffer q, Buffer k, Buffer v,
                                 int batch, int positions, int heads, int headWidth, double scale, boolean causal) {
        Attention s = attention("attentionForward", batch, positions, heads, headWidth, scale, causal);
        long size = (long) batch * positions * s.width();
        HostBuffer ho = be.arg("attentionForward out", out, size);
        HostBuffer hl = be.arg("attentionForward lse", lse, (long) batch * heads * positions);
        HostBuffer hq = be.arg("attentionForward q", q, size);
        HostBuffer hk = be.arg("attentionForward k", k, size);
        HostBuffer hv = be.arg("attentionForward v", v, size);
        double[] p = new double[positions];
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < heads; j++) {
                for (int i = 0; i < positions; i++) {
                    int keys = s.keys(i);
                    double max = Double.NEGATIVE_INFINITY;
                    for (int t = 0; t < keys; t++) {
                        p[t] = s.score(hq, hk, b, i, t, j);
                        max = Math.max(max, p[t]);
                    }
                    double sum = 0;
                    for (int t = 0; t < keys; t++) {
                        sum += Math.exp(p[t] - max);
                    }
                    double logSumExp = max + Math.log(sum);
                    set(hl, s.lseAt(b, j, i), logSumExp);
                    for (int c = 0; c < headWidth; c++) {
                        double acc = 0;
                        for (int t = 0; t < keys; t++) {
                            acc += Math.exp(p[t] - logSumExp) * get(hv, s.at(b, t, j, c));
                        }
                        set(ho, s.at(b, i, j, c), acc);
                    }
                }
            }
        }
    }

    static void attentionBackward(ReferenceBackend be, Buffer dQ, Buffer dK, Buffer dV, Buffer dOut,
                                  Buffer q, Buffer k, Buffer v, Buffer out, Buffer lse,
                                  int batch, int positions, int heads, int headWidth, double scale, boolean causal) {
        Attention s = attention("attentionBackward", batch, positions, heads, headWidth, scale, causal);
        long size = (long) batch * positions * s.width();
        HostBuffer dq = be.optional("attentionBackward dQ", dQ, size);
        HostBuffer dk = be.optional("attentionBackward dK", dK, size);
        HostBuffer dv = be.optional("attentionBackward dV", dV, size);
        HostBuffer dy = be.arg("attentionBackward dOut", dOut, size);
        HostBuffer hq = be.arg("attentionBackward q", q, size);
        HostBuffer hk = be.arg("attentionBackward k", k, size);
        HostBuffer hv = be.arg("attentionBackward v", v, size);
        be.arg("attentionBackward out", out, size);
        HostBuffer hl = be.arg("attentionBackward lse", lse, (long) batch * heads * positions);
        double[] p = new double[positions];
        double[] dP = new double[positions];
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < heads; j++) {
                for (int i = 0; i < positions; i++) {
                    int keys = s.keys(i);
                    // p_t = exp(s_t - lse), dP_t = <dOut_i, v_t>, D = sum_t p_t dP_t
                    double dotSum = 0;
                    for (int t = 0; t < keys; t++) {
                        p[t] = Math.exp(s.score(hq, hk, b, i, t, j) - get(hl, s.lseAt(b, j, i)));
                        dP[t] = 0;
                        for (int c = 0; c < headWidth; c++) {
                            dP[t] += get(dy, s.at(b, i, j, c)) * get(hv, s.at(b, t, j, c));
                        }
                        dotSum += p[t] * dP[t];
                    }
                    for (int t = 0; t < keys; t++) {
                        // out_i = sum_t p_t v_t  ->  dV_t += p_t dOut_i
                        // p = softmax(s)          ->  dS_t = p_t (dP_t - D)
                        // s_t = scale <q_i, k_t>  ->  dQ_i += scale dS_t k_t, dK_t += scale dS_t q_i
                        double dS = p[t] * (dP[t] - dotSum);
                        for (int c = 0; c < headWidth; c++) {
                            if (dv != null) {
                                addTo(dv, s.at(b, t, j, c), p[t] * get(dy, s.at(b, i, j, c)));
                            }
                            if (dq != null) {
                                addTo(dq, s.at(b, i, j, c), scale * dS * get(hk, s.at(b, t, j, c)));
                            }
                            if (dk != null) {
                                addTo(dk, s.at(b, t, j, c), scale * dS * get(hq, s.at(b, i, j, c)));
                            }
                        }
                    }
                }
            }
        }
    }

    // ---- GRU ----------------------------------------------------------------------------------------------------

    static double sigmoid(double x) {
        return 1.0 / (1.0 + Math.exp(-x));
    }

    static void gruCellForward(ReferenceBackend be, Buffer hNew, Buffer gates, Buffer gi, Buffer gh, Buffer hPrev,
                               int batch, int hidden) {
        long size = (long) positive("gruCellForward batch", batch) * positive("gruCellForward hidden", hidden);
        HostBuffer hn = be.arg("gruCellForward hNew", hNew, size);
        HostBuffer g = be.arg("gruCellForward gates", gates, 3 * size);
        HostBuffer xi = be.arg("gruCellForward gi", gi, 3 * size);
        HostBuffer xh = be.arg("gruCellForward gh", gh, 3 * size);
        HostBuffer hp = be.arg("gruCellForward hPrev", hPrev, size);
        int h = hidden;
        for (int b = 0; b < batch; b++) {
            int row = 3 * h * b;
            for (int u = 0; u < h; u++) {
                int atR = row + u;
                int atZ = row + h + u;
                int atN = row + 2 * h + u;
                double r = sigmoid(get(xi, atR) + get(xh, atR));
                double z = sigmoid(get(xi, atZ) + get(xh, atZ));
                double n = Math.tanh(get(xi, atN) + r * get(xh, atN));
                set(g, atR, r);
                set(g, atZ, z);
                set(g, atN, n);
                set(hn, b * h + u, (1.0 - z) * n + z * get(hp, b * h + u));
            }
        }
    }

    static void gruCellBackward(ReferenceBackend be, Buffer dGi, Buffer dGh, Buffer dHPrev, Buffer dHNew,
                                Buffer gates, Buffer gh, Buffer hPrev, int batch, int hidden) {
        long size = (long) positive("gruCellBackward batch", batch) * positive("gruCellBackward hidden", hidden);
        HostBuffer dxi = be.optional("gruCellBackward dGi", dGi, 3 * size);
        HostBuffer dxh = be.optional("gruCellBackward dGh", dGh, 3 * size);
        HostBuffer dhp = be.optional("gruCellBackward dHPrev", dHPrev, size);
        HostBuffer dhn = be.arg("gruCellBackward dHNew", dHNew, size);
        HostBuffer g = be.arg("gruCellBackward gates", gates, 3 * size);
        HostBuffer xh = be.arg("gruCellBackward gh", gh, 3 * size);
        HostBuffer hp = be.arg("gruCellBackward hPrev", hPrev, size);
        int h = hidden;
        for (int b = 0; b < batch; b++) {
            int row = 3 * h * b;
            for (int u = 0; u < h; u++) {
                int atR = row + u;
                int atZ = row + h + u;
                int atN = row + 2 * h + u;
                double r = get(g, atR);
                double z = get(g, atZ);
                double n = get(g, atN);
                double dh = get(dhn, b * h + u);
                // h' = (1 - z) n + z h
                double dn = dh * (1.0 - z);
                double dz = dh * (get(hp, b * h + u) - n);
                if (dhp != null) {
                    addTo(dhp, b * h + u, dh * z);
                }
                // n = tanh(gi_n + r gh_n)
                double dnPre = dn * (1.0 - n * n);
                double dr = dnPre * get(xh, atN);
                // r = sigmoid(gi_r + gh_r), z = sigmoid(gi_z + gh_z)
                double drPre = dr * r * (1.0 - r);
                double dzPre = dz * z * (1.0 - z);
                if (dxi != null) {
                    addTo(dxi, atR, drPre);
                    addTo(dxi, atZ, dzPre);
                    addTo(dxi, atN, dnPre);
                }
                if (dxh != null) {
                    addTo(dxh, atR, drPre);
                    addTo(dxh, atZ, dzPre);
                    addTo(dxh, atN, dnPre * r);
                }
            }
        }
    }

    // ---- LSTM ---------------------------------------------------------------------------------------------------

    static void lstmCellForward(ReferenceBackend be, Buffer hNew, Buffer cNew, Buffer gates, Buffer gi, Buffer gh,
                                Buffer cPrev, int batch, int hidden) {
        long size = (long) positive("lstmCellForward batch", batch) * positive("lstmCellForward hidden", hidden);
        HostBuffer hn = be.arg("lstmCellForward hNew", hNew, size);
        HostBuffer cn = be.arg("lstmCellForward cNew", cNew, size);
        HostBuffer g = be.arg("lstmCellForward gates", gates, 4 * size);
        HostBuffer xi = be.arg("lstmCellForward gi", gi, 4 * size);
        HostBuffer xh = be.arg("lstmCellForward gh", gh, 4 * size);
        HostBuffer cp = be.arg("lstmCellForward cPrev", cPrev, size);
        int h = hidden;
        for (int b = 0; b < batch; b++) {
            int row = 4 * h * b;
            for (int u = 0; u < h; u++) {
                int atI = row + u;
                int atF = row + h + u;
                int atG = row + 2 * h + u;
                int atO = row + 3 * h + u;
                double i = sigmoid(get(xi, atI) + get(xh, atI));
                double f = sigmoid(get(xi, atF) + get(xh, atF));
                double gg = Math.tanh(get(xi, atG) + get(xh, atG));
                double o = sigmoid(get(xi, atO) + get(xh, atO));
                double c = f * get(cp, b * h + u) + i * gg;
                set(g, atI, i);
                set(g, atF, f);
                set(g, atG, gg);
                set(g, atO, o);
                set(cn, b * h + u, c);
                set(hn, b * h + u, o * Math.tanh(c));
            }
        }
    }

    static void lstmCellBackward(ReferenceBackend be, Buffer dPre, Buffer dCPrev, Buffer dHNew, Buffer dCNew,
                                 Buffer gates, Buffer cPrev, Buffer cNew, int batch, int hidden) {
        long size = (long) positive("lstmCellBackward batch", batch) * positive("lstmCellBackward hidden", hidden);
        HostBuffer dp = be.optional("lstmCellBackward dPre", dPre, 4 * size);
        HostBuffer dcp = be.optional("lstmCellBackward dCPrev", dCPrev, size);
        HostBuffer dhn = be.arg("lstmCellBackward dHNew", dHNew, size);
        HostBuffer dcn = be.optional("lstmCellBackward dCNew", dCNew, size);
        HostBuffer g = be.arg("lstmCellBackward gates", gates, 4 * size);
        HostBuffer cp = be.arg("lstmCellBackward cPrev", cPrev, size);
        HostBuffer cn = be.arg("lstmCellBackward cNew", cNew, size);
        int h = hidden;
        for (int b = 0; b < batch; b++) {
            int row = 4 * h * b;
            for (int u = 0; u < h; u++) {
                int atI = row + u;
                int atF = row + h + u;
                int atG = row + 2 * h + u;
                int atO = row + 3 * h + u;
                double i = get(g, atI);
                double f = get(g, atF);
                double gg = get(g, atG);
                double o = get(g, atO);
                double dh = get(dhn, b * h + u);
                // h' = o tanh(c')
                double tc = Math.tanh(get(cn, b * h + u));
                double dO = dh * tc;
                double dc = dh * o * (1.0 - tc * tc) + (dcn == null ? 0.0 : get(dcn, b * h + u));
                // c' = f c + i g
                if (dcp != null) {
                    addTo(dcp, b * h + u, dc * f);
                }
                if (dp != null) {
                    // i, f, o = sigmoid(pre), g = tanh(pre)
                    addTo(dp, atI, dc * gg * i * (1.0 - i));
                    addTo(dp, atF, dc * get(cp, b * h + u) * f * (1.0 - f));
                    addTo(dp, atG, dc * i * (1.0 - gg * gg));
                    addTo(dp, atO, dO * o * (1.0 - o));
                }
            }
        }
    }
}

package org.samplex.backend.cpu;

import static org.samplex.backend.cpu.ReferenceBackend.addTo;
import static org.samplex.backend.cpu.ReferenceBackend.get;
import static org.samplex.backend.cpu.ReferenceBackend.set;

/**
 * The reference's attention, GRU and LSTM kernels and the linear scan: scalar float64, one query row or one batch
 * row (or channel) at a time.
 * Attention materializes the softmax of each query row; its backward recomputes the probabilities from q, k and
 * the saved log-sum-exp, as a fused kernel would.
 */
final class ReferenceSequenceKernels {
    private ReferenceSequenceKernels() {
    }

    // ---- attention ----------------------------------------------------------------------------------------------

    /** The shape of one attention call: (B, N, H*hd) tensors, row width H*hd. */
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

    /** out, q, k, v (B, N, H*hd); lse (B, H, N). */
    static void attentionForward(HostBuffer out, HostBuffer lse, HostBuffer q, HostBuffer k, HostBuffer v,
                                 int batch, int positions, int heads, int headWidth, double scale, boolean causal) {
        Attention s = new Attention(batch, positions, heads, headWidth, scale, causal);
        double[] p = new double[positions];
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < heads; j++) {
                for (int i = 0; i < positions; i++) {
                    int keys = s.keys(i);
                    double max = Double.NEGATIVE_INFINITY;
                    for (int t = 0; t < keys; t++) {
                        p[t] = s.score(q, k, b, i, t, j);
                        max = Math.max(max, p[t]);
                    }
                    double sum = 0;
                    for (int t = 0; t < keys; t++) {
                        sum += Math.exp(p[t] - max);
                    }
                    double logSumExp = max + Math.log(sum);
                    set(lse, s.lseAt(b, j, i), logSumExp);
                    for (int c = 0; c < headWidth; c++) {
                        double acc = 0;
                        for (int t = 0; t < keys; t++) {
                            acc += Math.exp(p[t] - logSumExp) * get(v, s.at(b, t, j, c));
                        }
                        set(out, s.at(b, i, j, c), acc);
                    }
                }
            }
        }
    }

    /** dQ, dK, dV (each may be null), dOut, q, k, v (B, N, H*hd); lse (B, H, N) from the forward. */
    static void attentionBackward(HostBuffer dQ, HostBuffer dK, HostBuffer dV, HostBuffer dOut,
                                  HostBuffer q, HostBuffer k, HostBuffer v, HostBuffer lse,
                                  int batch, int positions, int heads, int headWidth, double scale, boolean causal) {
        Attention s = new Attention(batch, positions, heads, headWidth, scale, causal);
        double[] p = new double[positions];
        double[] dP = new double[positions];
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < heads; j++) {
                for (int i = 0; i < positions; i++) {
                    int keys = s.keys(i);
                    // p_t = exp(s_t - lse), dP_t = <dOut_i, v_t>, D = sum_t p_t dP_t
                    double dotSum = 0;
                    for (int t = 0; t < keys; t++) {
                        p[t] = Math.exp(s.score(q, k, b, i, t, j) - get(lse, s.lseAt(b, j, i)));
                        dP[t] = 0;
                        for (int c = 0; c < headWidth; c++) {
                            dP[t] += get(dOut, s.at(b, i, j, c)) * get(v, s.at(b, t, j, c));
                        }
                        dotSum += p[t] * dP[t];
                    }
                    for (int t = 0; t < keys; t++) {
                        // out_i = sum_t p_t v_t  ->  dV_t += p_t dOut_i
                        // p = softmax(s)          ->  dS_t = p_t (dP_t - D)
                        // s_t = scale <q_i, k_t>  ->  dQ_i += scale dS_t k_t, dK_t += scale dS_t q_i
                        double dS = p[t] * (dP[t] - dotSum);
                        for (int c = 0; c < headWidth; c++) {
                            if (dV != null) {
                                addTo(dV, s.at(b, t, j, c), p[t] * get(dOut, s.at(b, i, j, c)));
                            }
                            if (dQ != null) {
                                addTo(dQ, s.at(b, i, j, c), scale * dS * get(k, s.at(b, t, j, c)));
                            }
                            if (dK != null) {
                                addTo(dK, s.at(b, t, j, c), scale * dS * get(q, s.at(b, i, j, c)));
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

    /** Index of unit u of gate k in row b of a (B, count * h) gate tensor (gates side by side, PyTorch order). */
    private static int gateAt(int count, int hidden, int b, int k, int u) {
        return (count * b + k) * hidden + u;
    }

    /** hNew, hPrev (B, h); gates, gi, gh (B, 3h), gates in the order r, z, n. */
    static void gruCellForward(HostBuffer hNew, HostBuffer gates, HostBuffer gi, HostBuffer gh, HostBuffer hPrev,
                               int batch, int hidden) {
        for (int b = 0; b < batch; b++) {
            for (int u = 0; u < hidden; u++) {
                int atR = gateAt(3, hidden, b, 0, u);
                int atZ = gateAt(3, hidden, b, 1, u);
                int atN = gateAt(3, hidden, b, 2, u);
                double r = sigmoid(get(gi, atR) + get(gh, atR));
                double z = sigmoid(get(gi, atZ) + get(gh, atZ));
                double n = Math.tanh(get(gi, atN) + r * get(gh, atN));
                set(gates, atR, r);
                set(gates, atZ, z);
                set(gates, atN, n);
                set(hNew, b * hidden + u, (1.0 - z) * n + z * get(hPrev, b * hidden + u));
            }
        }
    }

    /** dGi, dGh (B, 3h) and dHPrev (B, h) may be null; dHNew, hPrev (B, h); gates, gh (B, 3h). */
    static void gruCellBackward(HostBuffer dGi, HostBuffer dGh, HostBuffer dHPrev, HostBuffer dHNew,
                                HostBuffer gates, HostBuffer gh, HostBuffer hPrev, int batch, int hidden) {
        for (int b = 0; b < batch; b++) {
            for (int u = 0; u < hidden; u++) {
                int atR = gateAt(3, hidden, b, 0, u);
                int atZ = gateAt(3, hidden, b, 1, u);
                int atN = gateAt(3, hidden, b, 2, u);
                double r = get(gates, atR);
                double z = get(gates, atZ);
                double n = get(gates, atN);
                double dh = get(dHNew, b * hidden + u);
                // h' = (1 - z) n + z h
                double dn = dh * (1.0 - z);
                double dz = dh * (get(hPrev, b * hidden + u) - n);
                if (dHPrev != null) {
                    addTo(dHPrev, b * hidden + u, dh * z);
                }
                // n = tanh(gi_n + r gh_n)
                double dnPre = dn * (1.0 - n * n);
                double dr = dnPre * get(gh, atN);
                // r = sigmoid(gi_r + gh_r), z = sigmoid(gi_z + gh_z)
                double drPre = dr * r * (1.0 - r);
                double dzPre = dz * z * (1.0 - z);
                if (dGi != null) {
                    addTo(dGi, atR, drPre);
                    addTo(dGi, atZ, dzPre);
                    addTo(dGi, atN, dnPre);
                }
                if (dGh != null) {
                    addTo(dGh, atR, drPre);
                    addTo(dGh, atZ, dzPre);
                    addTo(dGh, atN, dnPre * r);
                }
            }
        }
    }

    // ---- LSTM ---------------------------------------------------------------------------------------------------

    /** hNew, cNew, cPrev (B, h); gates, gi, gh (B, 4h), gates in the order i, f, g, o. */
    static void lstmCellForward(HostBuffer hNew, HostBuffer cNew, HostBuffer gates, HostBuffer gi, HostBuffer gh,
                                HostBuffer cPrev, int batch, int hidden) {
        for (int b = 0; b < batch; b++) {
            for (int u = 0; u < hidden; u++) {
                int atI = gateAt(4, hidden, b, 0, u);
                int atF = gateAt(4, hidden, b, 1, u);
                int atG = gateAt(4, hidden, b, 2, u);
                int atO = gateAt(4, hidden, b, 3, u);
                double i = sigmoid(get(gi, atI) + get(gh, atI));
                double f = sigmoid(get(gi, atF) + get(gh, atF));
                double g = Math.tanh(get(gi, atG) + get(gh, atG));
                double o = sigmoid(get(gi, atO) + get(gh, atO));
                double c = f * get(cPrev, b * hidden + u) + i * g;
                set(gates, atI, i);
                set(gates, atF, f);
                set(gates, atG, g);
                set(gates, atO, o);
                set(cNew, b * hidden + u, c);
                set(hNew, b * hidden + u, o * Math.tanh(c));
            }
        }
    }

    /** dPre (B, 4h), dCPrev and dCNew (B, h) may be null; dHNew, cPrev, cNew (B, h); gates (B, 4h). */
    static void lstmCellBackward(HostBuffer dPre, HostBuffer dCPrev, HostBuffer dHNew, HostBuffer dCNew,
                                 HostBuffer gates, HostBuffer cPrev, HostBuffer cNew, int batch, int hidden) {
        for (int b = 0; b < batch; b++) {
            for (int u = 0; u < hidden; u++) {
                int atI = gateAt(4, hidden, b, 0, u);
                int atF = gateAt(4, hidden, b, 1, u);
                int atG = gateAt(4, hidden, b, 2, u);
                int atO = gateAt(4, hidden, b, 3, u);
                double i = get(gates, atI);
                double f = get(gates, atF);
                double g = get(gates, atG);
                double o = get(gates, atO);
                double dh = get(dHNew, b * hidden + u);
                // h' = o tanh(c')
                double tc = Math.tanh(get(cNew, b * hidden + u));
                double dO = dh * tc;
                double dc = dh * o * (1.0 - tc * tc) + (dCNew == null ? 0.0 : get(dCNew, b * hidden + u));
                // c' = f c + i g
                if (dCPrev != null) {
                    addTo(dCPrev, b * hidden + u, dc * f);
                }
                if (dPre != null) {
                    // i, f, o = sigmoid(pre), g = tanh(pre)
                    addTo(dPre, atI, dc * g * i * (1.0 - i));
                    addTo(dPre, atF, dc * get(cPrev, b * hidden + u) * f * (1.0 - f));
                    addTo(dPre, atG, dc * i * (1.0 - g * g));
                    addTo(dPre, atO, dO * o * (1.0 - o));
                }
            }
        }
    }

    // ---- linear scan ----------------------------------------------------------------------------------------------

    /** h_t = a_t h_{t-1} + b_t along t (from N-1 down to 0 when reverse), every (row, channel) on its own. */
    static void scanForward(HostBuffer h, HostBuffer a, HostBuffer b, int batch, int positions, int channels,
                            boolean reverse) {
        for (int row = 0; row < batch; row++) {
            for (int c = 0; c < channels; c++) {
                double state = 0.0;
                for (int step = 0; step < positions; step++) {
                    int at = scanAt(row, step, c, positions, channels, reverse);
                    state = get(a, at) * state + get(b, at);
                    set(h, at, state);
                }
            }
        }
    }

    /**
     * Against the scan order: g_t = dh_t + a_{t+1} g_{t+1}, then da_t += g_t h_{t-1} and db_t += g_t (h before the
     * first step is 0).
     */
    static void scanBackward(HostBuffer dA, HostBuffer dB, HostBuffer dH, HostBuffer a, HostBuffer h, int batch,
                             int positions, int channels, boolean reverse) {
        for (int row = 0; row < batch; row++) {
            for (int c = 0; c < channels; c++) {
                double g = 0.0;
                double nextDecay = 0.0;
                for (int step = positions - 1; step >= 0; step--) {
                    int at = scanAt(row, step, c, positions, channels, reverse);
                    g = get(dH, at) + nextDecay * g;
                    if (dA != null && step > 0) {
                        addTo(dA, at, g * get(h, scanAt(row, step - 1, c, positions, channels, reverse)));
                    }
                    if (dB != null) {
                        addTo(dB, at, g);
                    }
                    nextDecay = get(a, at);
                }
            }
        }
    }

    /** Index of the step-th position in scan order of channel c of batch row {@code row}, in (B, N, C). */
    private static int scanAt(int row, int step, int c, int positions, int channels, boolean reverse) {
        int t = reverse ? positions - 1 - step : step;
        return (row * positions + t) * channels + c;
    }
}

package org.samplex.testkit.conformance;

import org.samplex.api.Buffer;
import org.samplex.testkit.conformance.KernelCase.Values;

/** Catalog entries for fused attention, the GRU and LSTM cells and the linear scan. */
final class SequenceCases {
    private SequenceCases() {
    }

    /**
     * Attention over (B, N, H*hd) with scale 1/sqrt(hd). The forward chains three reductions (the score over hd,
     * the softmax sum over N, the weighted sum over N) and the backward two more (dP over hd, D over N).
     */
    static KernelCase attention(String name, int batch, int positions, int heads, int headWidth, boolean causal) {
        return attentionBuilder(name, batch, positions, heads, headWidth, causal, Values.uniform(-1, 1)).build();
    }

    /**
     * Attention at long N, too long for the reference backend: compared on {@code rows} seeded query rows against
     * {@link SampledAttention}. Values are drawn from [0, 1), so each output row is a weighted mean near 1/2
     * rather than a sum cancelling to about 1/sqrt(N): weights that do not sum to 1 (a tile lost to the
     * normalization) move it by the missing weight times 1/2, above the tolerance once that weight passes about
     * 1%. A tile of keys skipped altogether shows in dV, which the sampled rows' one-signed upstream makes about
     * rows / 2N = 1.6e-2 per element (checked: 64 keys taken out of the expected values fail dV).
     *
     * <p>Tolerance: as for every attention case, k = 2 hd + 3 N and d = 8 in {@link Conformance}'s bound
     * c (k + d + 2) u max(1, max |reference|): the score sums hd products, the softmax sum and the weighted sum
     * run over N keys, the backward's dP over hd and D over N; the sampled rows change none of these chains, and
     * the scale's maximum runs over the compared elements only. At N = 4096, hd = 8: 4 * 12314 * 2^-24 = 2.9e-3
     * for out, dQ, dK and dV (scale 1), 2.4e-2 for lse (scale log N, about 8.3).
     */
    static KernelCase sampledAttention(String name, int batch, int positions, int heads, int headWidth,
                                       boolean causal, int rows) {
        return attentionBuilder(name, batch, positions, heads, headWidth, causal, Values.uniform(0, 1))
                .sampled(new SampledAttention(batch, positions, heads, headWidth, causal, rows, name.hashCode()))
                .build();
    }

    private static KernelCase.Builder attentionBuilder(String name, int batch, int positions, int heads,
                                                       int headWidth, boolean causal, Values values) {
        int size = batch * positions * heads * headWidth;
        double scale = 1.0 / Math.sqrt(headWidth);
        return KernelCase.builder(name)
                .input("q", size)
                .input("k", size)
                .input("v", size, values)
                .output("out", size)
                .saved("lse", batch * heads * positions)
                .reduction(2 * headWidth + 3 * positions)
                .depth(8)
                .forward((be, t) -> be.attentionForward(t.get("out"), t.get("lse"), t.get("q"), t.get("k"), t.get("v"),
                        batch, positions, heads, headWidth, scale, causal))
                .backward((be, t) -> be.attentionBackward(t.get("dQ"), t.get("dK"), t.get("dV"), t.get("dOut"),
                        t.get("q"), t.get("k"), t.get("v"), t.get("out"), t.get("lse"), batch, positions, heads,
                        headWidth, scale, causal));
    }

    /** One GRU step from gate projections spanning the curved part of sigmoid and tanh. */
    static KernelCase gru(String name, int batch, int hidden) {
        int gates = 3 * batch * hidden;
        return KernelCase.builder(name)
                .input("gi", gates, Values.uniform(-2, 2))
                .input("gh", gates, Values.uniform(-2, 2))
                .input("hPrev", batch * hidden)
                .output("hNew", batch * hidden)
                .saved("gates", gates)
                .depth(12)
                .forward((be, t) -> be.gruCellForward(t.get("hNew"), t.get("gates"), t.get("gi"), t.get("gh"),
                        t.get("hPrev"), batch, hidden))
                .backward((be, t) -> be.gruCellBackward(t.get("dGi"), t.get("dGh"), t.get("dHPrev"), t.get("dHNew"),
                        t.get("gates"), t.get("gh"), t.get("hPrev"), batch, hidden))
                .build();
    }

    /**
     * One fused GRU step ({@code gruStepForward}): gate inputs from columns {@code step * 3h} of a gi of {@code
     * steps} steps, b_hh added (or none); the case's backward adds the kernel's dGh into dGh and its column sums
     * into dBias, as {@code SequenceOps.gruStep} does.
     */
    static KernelCase gruStep(String name, int batch, int hidden, int steps, int step, boolean bias) {
        int gates = 3 * batch * hidden;
        int width = 3 * hidden * steps;
        KernelCase.Builder builder = KernelCase.builder(name)
                .input("gi", batch * width, Values.uniform(-2, 2))
                .input("gh", gates, Values.uniform(-2, 2));
        if (bias) {
            builder.input("biasHh", 3 * hidden, Values.uniform(-1, 1));
        }
        return builder.input("hPrev", batch * hidden)
                .output("hNew", batch * hidden)
                .saved("gates", gates)
                .saved("giT", gates)
                .saved("ghb", gates)
                .depth(12)
                .forward((be, t) -> be.gruStepForward(t.get("hNew"), t.get("gates"), t.get("giT"), t.get("ghb"),
                        t.get("gi"), width, step * 3 * hidden, t.get("gh"), bias ? t.get("biasHh") : null,
                        t.get("hPrev"), batch, hidden))
                .backward((be, t) -> {
                    boolean needGh = t.get("dGh") != null || (bias && t.get("dBiasHh") != null);
                    // allocate() zero-fills: dGhb starts at 0, the kernel adds into it
                    try (Buffer dGhb = needGh ? be.allocate(gates) : null; Buffer dGiT = be.allocate(gates)) {
                        be.gruStepBackward(t.get("dGi"), dGiT, width, step * 3 * hidden, dGhb, t.get("dHPrev"),
                                t.get("dHNew"), t.get("gates"), t.get("ghb"), t.get("hPrev"), batch, hidden);
                        if (t.get("dGh") != null) {
                            be.addBackward(t.get("dGh"), null, dGhb, gates);
                        }
                        if (bias && t.get("dBiasHh") != null) {
                            be.biasAddBackward(null, t.get("dBiasHh"), dGhb, batch, 3 * hidden);
                        }
                    }
                })
                .build();
    }

    /**
     * One LSTM step. The kernel's backward yields dPre, the gradient of gi and gh alike; the case adds it into
     * both with {@code addBackward}, as {@code SequenceOps.lstmCell} does. Without dCNew the cell state is an
     * output without a gradient and the backward passes null for it.
     */
    static KernelCase lstm(String name, int batch, int hidden, boolean withDCNew) {
        int gates = 4 * batch * hidden;
        KernelCase.Builder builder = KernelCase.builder(name)
                .input("gi", gates, Values.uniform(-2, 2))
                .input("gh", gates, Values.uniform(-2, 2))
                .input("cPrev", batch * hidden)
                .output("hNew", batch * hidden);
        if (withDCNew) {
            builder.output("cNew", batch * hidden);
        } else {
            builder.saved("cNew", batch * hidden);
        }
        return builder.saved("gates", gates)
                .depth(14)
                .forward((be, t) -> be.lstmCellForward(t.get("hNew"), t.get("cNew"), t.get("gates"), t.get("gi"),
                        t.get("gh"), t.get("cPrev"), batch, hidden))
                .backward((be, t) -> {
                    boolean needPre = t.get("dGi") != null || t.get("dGh") != null;
                    // allocate() zero-fills: dPre starts at 0, the kernel adds into it
                    try (Buffer dPre = needPre ? be.allocate(gates) : null) {
                        be.lstmCellBackward(dPre, t.get("dCPrev"), t.get("dHNew"), withDCNew ? t.get("dCNew") : null,
                                t.get("gates"), t.get("cPrev"), t.get("cNew"), batch, hidden);
                        if (needPre) {
                            // pre = gi + gh  ->  dGi += dPre, dGh += dPre
                            be.addBackward(t.get("dGi"), t.get("dGh"), dPre, gates);
                        }
                    }
                })
                .build();
    }

    /**
     * The linear scan h_t = a_t h_{t-1} + b_t over (B, N, C), forward or reversed. Decays in [0.1, 0.95), as
     * Mamba's exp(Delta A) and the minimal GRU's 1 - z are, so states stay of the order of the inputs; each
     * position adds one rounded fused multiply-add to the chain, forward (h) and backward (g) alike.
     */
    static KernelCase scan(String name, int batch, int positions, int channels, boolean reverse) {
        int size = batch * positions * channels;
        return KernelCase.builder(name)
                .input("a", size, Values.uniform(0.1, 0.95))
                .input("b", size)
                .output("h", size)
                .reduction(positions)
                .depth(3)
                .forward((be, t) -> be.scanForward(t.get("h"), t.get("a"), t.get("b"), batch, positions, channels,
                        reverse))
                .backward((be, t) -> be.scanBackward(t.get("dA"), t.get("dB"), t.get("dH"), t.get("a"), t.get("h"),
                        batch, positions, channels, reverse))
                .build();
    }
}

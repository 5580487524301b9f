package org.samplex.data;

import org.samplex.api.rng.RngStream;

/**
 * backend-cuda's qstr.cu, thread by thread, in Java: the same index spaces, the same substreams and Philox counters
 * per thread, the same order of every sum, so that what the kernels compute can be compared with
 * {@link QstrSampler} on a machine without a GPU. Only Box-Muller's log and cos are the JDK's here and the device's
 * there (both within 1 ulp); the GPU check compares the kernels' own output with the host's. Threads run in
 * descending order, to show that none reads what another writes within a kernel.
 */
final class QstrKernelEmulation {
    private static final long FIELDS = 8;
    private static final int MAX_DISTINCT = 64;

    private QstrKernelEmulation() {
    }

    /** The three kernels in order: inputs (count, N, D) and labels (count, N) as doubles before the float cast. */
    static void run(QstrSampler sampler, QstrConfig c, RngStream stream, boolean simple, long first, int count,
                    double[] input, double[] labels) {
        int n = c.positions();
        int d = c.contentWidth();
        int q = c.pointers();
        double[] x = new double[count * n * d];
        int[] t = new int[count * n * q];
        content(x, count, first, n, d, c.halfContent(), stream);
        pointers(t, count, first, n, q, simple, c.distinct(), stream);
        assemble(input, labels, x, t, sampler.scaledCode(), sampler.directions(), count, first, n, d, q,
                c.codeWidth(), c.link().ordinal(), c.resampled(), sampler.codeAmplitude(), c.noise(),
                c.halfContent(), stream);
    }

    /** qstr_content: one thread per (prompt b, normal pair m). */
    static void content(double[] x, int count, long first, int n, int d, boolean half, RngStream stream) {
        long per = ((long) n * d + 1) / 2;
        int[] w = new int[4];
        for (long idx = (long) count * per - 1; idx >= 0; idx--) {
            long b = idx / per;
            long m = idx % per;
            stream.block(m, FIELDS * (first + b), w);
            for (int j = 0; j < 2; j++) {
                long e = 2 * m + j;
                if (e < (long) n * d) {
                    long token = e / d;
                    x[(int) (b * n * d + e)] = half && 2 * token >= n ? 0.0
                            : RngStream.normalFromWords(w[2 * j], w[2 * j + 1]);
                }
            }
        }
    }

    /** qstr_pointers: one thread per (prompt b, row r), the distinct permutation kept as the entries it moved. */
    static void pointers(int[] t, int count, long first, int n, int q, boolean simple, boolean distinct,
                         RngStream stream) {
        if (distinct && q > MAX_DISTINCT) {
            throw new IllegalStateException("the kernel traps: distinct pointers with q > " + MAX_DISTINCT);
        }
        int rows = simple ? 1 : n;
        for (long idx = (long) count * rows - 1; idx >= 0; idx--) {
            long b = idx / rows;
            int r = (int) (idx % rows);
            long substream = FIELDS * (first + b) + 1;
            int[] keys = new int[2 * MAX_DISTINCT];
            int[] vals = new int[2 * MAX_DISTINCT];
            int moved = 0;
            for (int j = 0; j < q; j++) {
                int w = stream.word(substream, (long) r * q + j);
                int v;
                if (distinct) {
                    int rj = j + RngStream.intFromWord(w, n - j);
                    int atJ = j;
                    int atR = rj;
                    int kj = -1;
                    int kr = -1;
                    for (int k = 0; k < moved; k++) {
                        if (keys[k] == j) {
                            atJ = vals[k];
                            kj = k;
                        }
                        if (keys[k] == rj) {
                            atR = vals[k];
                            kr = k;
                        }
                    }
                    if (kj < 0) {
                        kj = moved;
                        keys[moved++] = j;
                    }
                    if (kr < 0 && rj != j) {
                        kr = moved;
                        keys[moved++] = rj;
                    }
                    vals[kj] = atR;
                    if (rj != j) {
                        vals[kr] = atJ;
                    }
                    v = atR;
                } else {
                    v = RngStream.intFromWord(w, n);
                }
                if (simple) {
                    for (int i = 0; i < n; i++) {
                        t[(int) ((b * n + i) * q + j)] = v;
                    }
                } else {
                    t[(int) ((b * n + r) * q + j)] = v;
                }
            }
        }
    }

    /** qstr_assemble: one thread per (prompt b, token i). */
    static void assemble(double[] input, double[] labels, double[] x, int[] t, double[] code, double[] u, int count,
                         long first, int n, int d, int q, int de, int link, boolean resampled, double amplitude,
                         double noise, boolean half, RngStream stream) {
        int width = d + (q + 1) * de;
        for (long idx = (long) count * n - 1; idx >= 0; idx--) {
            int b = (int) (idx / n);
            int i = (int) (idx % n);
            long base = FIELDS * (first + b);
            int xb = b * n * d;
            int tb = (b * n + i) * q;
            int row = (b * n + i) * width;
            for (int c = 0; c < d; c++) {
                input[row + c] = x[xb + i * d + c];
            }
            for (int slot = 0; slot <= q; slot++) {
                int k = slot == 0 ? i : t[tb + slot - 1];
                for (int c = 0; c < de; c++) {
                    input[row + d + slot * de + c] = resampled
                            ? (stream.word(base + 2, (long) k * de + c) >>> 31 == 0 ? -amplitude : amplitude)
                            : code[k * de + c];
                }
            }
            double y;
            double sum = 0.0;
            switch (link) {
                case 0 -> y = projection(u, x, xb, 0, t[tb], d);
                case 1 -> {
                    for (int l = 0; l < q; l++) {
                        sum = sum + projection(u, x, xb, l, t[tb + l], d);
                    }
                    y = sum / Math.sqrt(q);
                }
                case 2 -> {
                    for (int l = 0; l < q; l++) {
                        double z = projection(u, x, xb, l, t[tb + l], d);
                        sum = sum + (z * z - 1.0) / Math.sqrt(2.0);
                    }
                    y = sum / Math.sqrt(q);
                }
                case 3 -> {
                    for (int l = 0; l < q; l++) {
                        sum = sum + projection(u, x, xb, 0, t[tb + l], d);
                    }
                    y = sum / (double) q;
                }
                default -> {
                    for (int l = 0; l < q; l++) {
                        sum = sum + centredNorm(x, xb, t[tb + l], n, d, half);
                    }
                    y = sum / Math.sqrt((double) q * d);
                }
            }
            if (noise > 0.0) {
                int[] w = new int[4];
                stream.block(i >> 1, base + 3, w);
                int j = (i & 1) * 2;
                y = y + noise * RngStream.normalFromWords(w[j], w[j + 1]);
            }
            labels[b * n + i] = y;
        }
    }

    private static double projection(double[] u, double[] x, int xb, int l, int j, int d) {
        double dot = 0.0;
        for (int c = 0; c < d; c++) {
            dot = dot + u[l * d + c] * x[xb + j * d + c];
        }
        return dot;
    }

    private static double centredNorm(double[] x, int xb, int j, int n, int d, boolean half) {
        double sq = 0.0;
        for (int c = 0; c < d; c++) {
            sq = sq + x[xb + j * d + c] * x[xb + j * d + c];
        }
        return sq - (!half || 2 * j < n ? (double) d : 0.0);
    }
}

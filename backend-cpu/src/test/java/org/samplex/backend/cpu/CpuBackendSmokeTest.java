package org.samplex.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.samplex.api.Activation;
import org.samplex.api.Backend;
import org.samplex.api.Buffer;
import org.samplex.api.DType;
import org.samplex.api.rng.RngStream;

/**
 * What the shared conformance suite does not check on the cpu backend: results bit-identical across thread counts
 * 1, 2 and 3 (sizes chosen past the inline threshold, with vector tails and odd slice offsets), fills exactly equal
 * to the reference's doubles rounded to float, and the thread pool's life cycle.
 */
class CpuBackendSmokeTest {
    private static final RngStream STREAM = RngStream.of(7, "test");

    /** Buffers of a scenario; every buffer is read back at the end, in allocation order. */
    private static final class Run {
        final Backend be;
        final List<Buffer> all = new ArrayList<>();
        long substream;

        Run(Backend be) {
            this.be = be;
        }

        Buffer normal(long n) {
            Buffer b = be.allocate(n);
            be.fillNormal(b, STREAM, substream++, 0, 1);
            all.add(b);
            return b;
        }

        Buffer positive(long n) {
            Buffer b = be.allocate(n);
            be.fillUniform(b, STREAM, substream++, 0.1, 2);
            all.add(b);
            return b;
        }

        float[] readAll() {
            List<float[]> parts = new ArrayList<>();
            int total = 0;
            for (Buffer b : all) {
                float[] x = new float[(int) b.length()];
                be.copyToHost(b, x);
                parts.add(x);
                total += x.length;
            }
            float[] out = new float[total];
            int at = 0;
            for (float[] x : parts) {
                System.arraycopy(x, 0, out, at, x.length);
                at += x.length;
            }
            return out;
        }
    }

    private static void sameBitsForThreads(Function<Run, float[]> scenario) {
        float[] expected = null;
        for (int threads : new int[] {1, 2, 3}) {
            try (CpuBackend be = new CpuBackend(threads)) {
                float[] got = scenario.apply(new Run(be));
                if (expected == null) {
                    expected = got;
                } else {
                    assertArrayEquals(expected, got, "threads " + threads + " against 1");
                }
            }
        }
    }

    @Test
    void gemmDoesNotDependOnThreadCount() {
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                sameBitsForThreads(r -> {
                    int m = 67;
                    int n = 45;
                    int k = 33;
                    int batch = 3;
                    Buffer a = r.normal((long) m * k * batch);
                    Buffer b = r.normal((long) k * n * batch);
                    Buffer c = r.normal((long) m * n * batch);
                    r.be.gemm(ta, tb, m, n, k, 0.75, a, ta ? m : k, (long) m * k, b, tb ? k : n, (long) k * n,
                            0.5, c, n, (long) m * n, batch);
                    return r.readAll();
                });
            }
        }
    }

    @Test
    void pointwiseLossAndOptimizerDoNotDependOnThreadCount() {
        sameBitsForThreads(r -> {
            int n = 50_001;
            Buffer x = r.normal(n);
            Buffer y = r.normal(n);
            Buffer dx = r.normal(n);
            Buffer dy = r.normal(n);
            for (Activation f : Activation.values()) {
                Buffer out = r.normal(n);
                r.be.activationForward(f, out, x, n);
                r.be.activationBackward(f, dx, dy, x, out, n);
            }
            Buffer sum = r.normal(n);
            r.be.addForward(sum, x, y, n);
            r.be.mulForward(sum, sum, y, n);
            r.be.mulBackward(dx, dy, sum, x, y, n);
            Buffer loss = r.normal(1);
            r.be.mseForward(loss, x, y, n);
            r.be.mseBackward(dx, loss, x, y, n);
            Buffer m = r.normal(n);
            Buffer v = r.positive(n);
            r.be.adamwUpdate(y, dx, m, v, n, 1e-3, 0.9, 0.999, 1e-8, 0.01, 3);
            int rows = 1_001;
            int cols = 49;
            Buffer biased = r.normal((long) rows * cols);
            Buffer bias = r.normal(cols);
            r.be.biasAddForward(biased, x.slice(0, (long) rows * cols), bias, rows, cols);
            r.be.biasAddBackward(dx.slice(7, (long) rows * cols), bias, x.slice(3, (long) rows * cols), rows, cols);
            return r.readAll();
        });
    }

    @Test
    void attentionAndCellsDoNotDependOnThreadCount() {
        for (boolean causal : new boolean[] {false, true}) {
            sameBitsForThreads(r -> {
                int batch = 2;
                int positions = 37;
                int heads = 3;
                int hd = 11;
                long size = (long) batch * positions * heads * hd;
                Buffer q = r.normal(size);
                Buffer k = r.normal(size);
                Buffer v = r.normal(size);
                Buffer out = r.normal(size);
                Buffer lse = r.normal((long) batch * heads * positions);
                r.be.attentionForward(out, lse, q, k, v, batch, positions, heads, hd, 0.3, causal);
                Buffer dOut = r.normal(size);
                r.be.attentionBackward(r.normal(size), r.normal(size), r.normal(size), dOut, q, k, v, out, lse,
                        batch, positions, heads, hd, 0.3, causal);
                int rows = 40;
                int hidden = 33;
                long hs = (long) rows * hidden;
                Buffer gates = r.normal(4 * hs);
                Buffer gi = r.normal(4 * hs);
                Buffer gh = r.normal(4 * hs);
                Buffer h = r.normal(hs);
                Buffer c = r.normal(hs);
                r.be.gruCellForward(r.normal(hs), gates, gi, gh, h, rows, hidden);
                r.be.gruCellBackward(r.normal(3 * hs), r.normal(3 * hs), r.normal(hs), r.normal(hs), gates, gh, h,
                        rows, hidden);
                Buffer cNew = r.normal(hs);
                r.be.lstmCellForward(r.normal(hs), cNew, gates, gi, gh, c, rows, hidden);
                r.be.lstmCellBackward(r.normal(4 * hs), r.normal(hs), r.normal(hs), r.normal(hs), gates, c, cNew,
                        rows, hidden);
                return r.readAll();
            });
        }
    }

    /**
     * The fused bias + activation gives the bits of biasAddForward then activationForward in place, for every f, out
     * of place and in place, inline and split across threads (300 x 131: past the inline threshold, with a vector
     * tail on every row), including NaN, infinities and signed zeros (relu keeps NaN and maps -0 + 0 to 0). NaNs
     * compare as NaN whatever their payload.
     */
    @Test
    void fusedBiasActivationEqualsTheTwoCallsBitForBit() {
        float[] special = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, 0f, -1e-30f, 1e-30f};
        for (int threads : new int[] {1, 2}) {
            for (int[] shape : new int[][] {{3, 7}, {300, 131}}) {
                int rows = shape[0];
                int cols = shape[1];
                int n = rows * cols;
                float[] in = new float[n];
                float[] bias = new float[cols];
                SplittableRandom random = new SplittableRandom(rows);
                for (int e = 0; e < n; e++) {
                    in[e] = e % 5 == 0 ? special[(e / 5) % special.length] : (float) random.nextDouble(-4, 4);
                }
                for (int j = 0; j < cols; j++) {
                    bias[j] = j % 4 == 0 ? special[(j / 4) % special.length] : (float) random.nextDouble(-1, 1);
                }
                for (Activation f : Activation.values()) {
                    for (boolean inPlace : new boolean[] {false, true}) {
                        try (CpuBackend be = new CpuBackend(threads)) {
                            Buffer x = be.allocate(n + 3).slice(3, n);
                            Buffer b = be.allocate(cols);
                            Buffer fused = be.allocate(n);
                            Buffer twoCalls = be.allocate(n);
                            be.copyFromHost(x, in);
                            be.copyFromHost(b, bias);
                            if (inPlace) {
                                be.copy(fused, x);
                                be.biasActivationForward(f, fused, fused, b, rows, cols);
                            } else {
                                be.biasActivationForward(f, fused, x, b, rows, cols);
                            }
                            be.biasAddForward(twoCalls, x, b, rows, cols);
                            be.activationForward(f, twoCalls, twoCalls, n);
                            float[] got = new float[n];
                            float[] want = new float[n];
                            be.copyToHost(fused, got);
                            be.copyToHost(twoCalls, want);
                            for (int e = 0; e < n; e++) {
                                assertEquals(Float.floatToIntBits(want[e]), Float.floatToIntBits(got[e]),
                                        f + (inPlace ? " in place" : "") + " threads " + threads + " (" + rows
                                                + " x " + cols + ") element " + e + ": " + want[e] + " vs " + got[e]);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void fillsEqualTheReferenceRoundedToFloat() {
        int n = 40_003;
        try (CpuBackend cpu = new CpuBackend(3); ReferenceBackend ref = new ReferenceBackend()) {
            Buffer f = cpu.allocate(n).slice(1, n - 1);
            Buffer d = ref.allocate(n).slice(1, n - 1);
            float[] got = new float[n - 1];
            double[] want = new double[n - 1];
            cpu.fillUniform(f, STREAM, 5, -0.3, 1.7);
            ref.fillUniform(d, STREAM, 5, -0.3, 1.7);
            cpu.copyToHost(f, got);
            ref.copyToHost(d, want);
            for (int e = 0; e < got.length; e++) {
                assertEquals((float) want[e], got[e], "uniform " + e);
            }
            cpu.fillNormal(f, STREAM, 1L << 40, 0.5, 2);
            ref.fillNormal(d, STREAM, 1L << 40, 0.5, 2);
            cpu.copyToHost(f, got);
            ref.copyToHost(d, want);
            for (int e = 0; e < got.length; e++) {
                assertEquals((float) want[e], got[e], "normal " + e);
            }
            Buffer fi = cpu.allocate(DType.INT32, n);
            Buffer di = ref.allocate(DType.INT32, n);
            cpu.fillUniformInt(fi, STREAM, 9, 1000);
            ref.fillUniformInt(di, STREAM, 9, 1000);
            int[] gi = new int[n];
            int[] wi = new int[n];
            cpu.copyToHost(fi, gi);
            ref.copyToHost(di, wi);
            assertArrayEquals(wi, gi);
        }
    }

    @Test
    void closeStopsTheWorkersAndRejectsFurtherUse() throws InterruptedException {
        Set<Thread> before = poolThreads();
        CpuBackend be = new CpuBackend(3);
        Buffer x = be.allocate(100_000);
        be.fillNormal(x, STREAM, 0, 0, 1);
        be.activationForward(Activation.TANH, x, x, 100_000);
        Set<Thread> mine = poolThreads();
        mine.removeAll(before);
        assertFalse(mine.isEmpty(), "a kernel past the inline threshold uses the pool");
        assertTrue(mine.size() <= 2, "3 threads = the caller and 2 workers, got " + mine.size());
        for (Thread t : mine) {
            assertTrue(t.isDaemon(), t.getName());
        }
        be.close();
        assertThrows(IllegalStateException.class, () -> be.activationForward(Activation.TANH, x, x, 100_000));
        for (Thread t : mine) {
            t.join(60_000);
            assertFalse(t.isAlive(), t.getName() + " ends after close");
        }
    }

    private static Set<Thread> poolThreads() {
        Set<Thread> out = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("samplex-cpu-")) {
                out.add(t);
            }
        }
        return out;
    }
}

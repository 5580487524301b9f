package org.samplex.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.samplex.api.Activation;
import org.samplex.api.Backend;
import org.samplex.api.Buffer;
import org.samplex.api.DType;
import org.samplex.api.rng.RngStream;

/**
 * Every kernel family the learners use allocates nothing on the Java heap per call once compiled, on one thread and
 * on two (sizes past the inline threshold, so the pool hands tasks to its worker).
 *
 * <p>Method: a family's call (usually forward and backward) runs on buffers allocated once. It is warmed up until
 * C2 has compiled it: at least {@value #MIN_WARM_UP} calls, then windows of {@value #CALLS} calls until one
 * allocates nothing. (The Vector API allocates its vectors until C2 compiles the loop and removes them; C2 works
 * through its queue at its own pace, on a busy machine only after tens of thousands of calls of a small kernel,
 * so the warm-up is bounded by time, {@value #MAX_WARM_UP_SECONDS} s, rather than by a number of calls.) Then a
 * fresh window of {@value #CALLS} calls is measured with HotSpot's per-thread allocation counters of every live
 * thread ({@link HeapAllocations}), read without allocating ({@link #anEmptyWindowMeasuresNothingAndAnArrayIsSeen}).
 * What must be 0 is the sum over the threads that run kernels: the calling thread and every samplex-cpu worker.
 * The other threads are the JVM's and the test harness's (surefire's stream flusher allocates whenever a test
 * prints), so the JVM-wide total, which includes them, is recorded beside it in target/allocation.md, with the
 * bytes per call of every family, but not asserted.
 */
class AllocationTest {
    static final int CALLS = 100;
    static final int MIN_WARM_UP = 1_000;
    /** Windows measured after warm-up at most; the least counts. */
    static final int MEASURED_WINDOWS = 5;
    /** Warm-up ends at the first clean window or after this long: C2 may have a queue to work through first. */
    static final long MAX_WARM_UP_SECONDS = 20;
    private static final RngStream STREAM = RngStream.of(11, "allocation");
    private static final Map<String, String> TABLE = new ConcurrentSkipListMap<>();
    /** Keeps the positive control's array reachable, so that the JIT cannot remove its allocation. */
    static volatile Object sink;

    /** One kernel family's call, set up on a backend at a small (model-like) or a threaded size. */
    private interface Family {
        Runnable setUp(Filler be, boolean threaded);
    }

    private record Named(String name, Family family) {
    }

    /** Allocates buffers of random values. */
    private static final class Filler {
        final Backend be;
        long substream;

        Filler(Backend be) {
            this.be = be;
        }

        Buffer normal(long n) {
            Buffer b = be.allocate(n);
            be.fillNormal(b, STREAM, substream++, 0, 1);
            return b;
        }

        Buffer uniform(long n, double lo, double hi) {
            Buffer b = be.allocate(n);
            be.fillUniform(b, STREAM, substream++, lo, hi);
            return b;
        }
    }

    static List<Named> families() {
        List<Named> all = new ArrayList<>();
        all.add(new Named("gemm NN NT TN", (r, big) -> {
            int m = big ? 96 : 8;
            int n = big ? 40 : 16;
            int k = big ? 33 : 12;
            Buffer a = r.normal((long) m * k);
            Buffer b = r.normal((long) k * n);
            Buffer c = r.normal((long) m * n);
            Buffer bt = r.normal((long) k * n);
            Buffer at = r.normal((long) m * k);
            return () -> {
                r.be.gemm(false, false, m, n, k, 1.0, a, b, 0.0, c);
                r.be.gemm(false, true, m, n, k, 1.0, a, bt, 1.0, c);
                r.be.gemm(true, false, m, n, k, 1.0, at, b, 1.0, c);
            };
        }));
        all.add(new Named("bias add forward and backward", (r, big) -> {
            int rows = big ? 300 : 16;
            int cols = big ? 130 : 20;
            Buffer in = r.normal((long) rows * cols);
            Buffer bias = r.normal(cols);
            Buffer out = r.normal((long) rows * cols);
            Buffer dIn = r.normal((long) rows * cols);
            Buffer dBias = r.normal(cols);
            return () -> {
                r.be.biasAddForward(out, in, bias, rows, cols);
                r.be.biasAddBackward(dIn, dBias, out, rows, cols);
            };
        }));
        for (Activation f : Activation.values()) {
            all.add(new Named(f + " forward and backward", (r, big) -> {
                int n = big ? 50_001 : 100;
                Buffer in = r.normal(n);
                Buffer out = r.normal(n);
                Buffer dIn = r.normal(n);
                Buffer dOut = r.normal(n);
                return () -> {
                    r.be.activationForward(f, out, in, n);
                    r.be.activationBackward(f, dIn, dOut, in, out, n);
                };
            }));
            all.add(new Named("bias + " + f + " forward and backward", (r, big) -> {
                int rows = big ? 300 : 16;
                int cols = big ? 130 : 20;
                Buffer in = r.normal((long) rows * cols);
                Buffer bias = r.normal(cols);
                Buffer out = r.normal((long) rows * cols);
                Buffer dPre = r.normal((long) rows * cols);
                Buffer dOut = r.normal((long) rows * cols);
                Buffer dBias = r.normal(cols);
                return () -> {
                    r.be.biasActivationForward(f, out, in, bias, rows, cols);
                    r.be.activationBackward(f, dPre, dOut, out, out, (long) rows * cols);
                    r.be.biasAddBackward(null, dBias, dPre, rows, cols);
                };
            }));
        }
        all.add(new Named("add and mul forward and backward", (r, big) -> {
            int n = big ? 50_001 : 100;
            Buffer a = r.normal(n);
            Buffer b = r.normal(n);
            Buffer out = r.normal(n);
            Buffer dA = r.normal(n);
            Buffer dB = r.normal(n);
            return () -> {
                r.be.addForward(out, a, b, n);
                r.be.addBackward(dA, dB, out, n);
                r.be.mulForward(out, a, b, n);
                r.be.mulBackward(dA, dB, out, a, b, n);
            };
        }));
        all.add(new Named("mse forward and backward", (r, big) -> {
            int n = big ? 50_001 : 100;
            Buffer pred = r.normal(n);
            Buffer target = r.normal(n);
            Buffer loss = r.normal(1);
            Buffer dPred = r.normal(n);
            float[] host = new float[1];
            return () -> {
                r.be.mseForward(loss, pred, target, n);
                r.be.copyToHost(loss, host);
                r.be.mseBackward(dPred, loss, pred, target, n);
            };
        }));
        for (boolean causal : new boolean[] {false, true}) {
            all.add(new Named("attention forward and backward" + (causal ? " causal" : ""), (r, big) -> {
                int batch = big ? 4 : 2;
                int positions = big ? 16 : 8;
                int heads = big ? 2 : 1;
                int hd = big ? 16 : 10;
                long size = (long) batch * positions * heads * hd;
                Buffer q = r.normal(size);
                Buffer k = r.normal(size);
                Buffer v = r.normal(size);
                Buffer out = r.normal(size);
                Buffer lse = r.normal((long) batch * heads * positions);
                Buffer dQ = r.normal(size);
                Buffer dK = r.normal(size);
                Buffer dV = r.normal(size);
                Buffer dOut = r.normal(size);
                double scale = 1 / Math.sqrt(hd);
                return () -> {
                    r.be.attentionForward(out, lse, q, k, v, batch, positions, heads, hd, scale, causal);
                    r.be.attentionBackward(dQ, dK, dV, dOut, q, k, v, out, lse, batch, positions, heads, hd, scale,
                            causal);
                };
            }));
        }
        all.add(new Named("gru cell forward and backward", (r, big) -> {
            int batch = big ? 16 : 4;
            int hidden = big ? 64 : 16;
            long hs = (long) batch * hidden;
            Buffer hNew = r.normal(hs);
            Buffer gates = r.normal(3 * hs);
            Buffer gi = r.normal(3 * hs);
            Buffer gh = r.normal(3 * hs);
            Buffer hPrev = r.normal(hs);
            Buffer dGi = r.normal(3 * hs);
            Buffer dGh = r.normal(3 * hs);
            Buffer dHPrev = r.normal(hs);
            Buffer dHNew = r.normal(hs);
            return () -> {
                r.be.gruCellForward(hNew, gates, gi, gh, hPrev, batch, hidden);
                r.be.gruCellBackward(dGi, dGh, dHPrev, dHNew, gates, gh, hPrev, batch, hidden);
            };
        }));
        all.add(new Named("lstm cell forward and backward", (r, big) -> {
            int batch = big ? 16 : 4;
            int hidden = big ? 64 : 16;
            long hs = (long) batch * hidden;
            Buffer hNew = r.normal(hs);
            Buffer cNew = r.normal(hs);
            Buffer gates = r.normal(4 * hs);
            Buffer gi = r.normal(4 * hs);
            Buffer gh = r.normal(4 * hs);
            Buffer cPrev = r.normal(hs);
            Buffer dPre = r.normal(4 * hs);
            Buffer dCPrev = r.normal(hs);
            Buffer dHNew = r.normal(hs);
            Buffer dCNew = r.normal(hs);
            return () -> {
                r.be.lstmCellForward(hNew, cNew, gates, gi, gh, cPrev, batch, hidden);
                r.be.lstmCellBackward(dPre, dCPrev, dHNew, dCNew, gates, cPrev, cNew, batch, hidden);
            };
        }));
        for (boolean reverse : new boolean[] {false, true}) {
            all.add(new Named("scan forward and backward" + (reverse ? " reversed" : ""), (r, big) -> {
                int batch = big ? 16 : 2;
                int positions = big ? 16 : 8;
                int channels = big ? 300 : 20;
                long size = (long) batch * positions * channels;
                Buffer a = r.uniform(size, 0.1, 0.9);
                Buffer b = r.normal(size);
                Buffer h = r.normal(size);
                Buffer dA = r.normal(size);
                Buffer dB = r.normal(size);
                Buffer dH = r.normal(size);
                return () -> {
                    r.be.scanForward(h, a, b, batch, positions, channels, reverse);
                    r.be.scanBackward(dA, dB, dH, a, h, batch, positions, channels, reverse);
                };
            }));
        }
        all.add(new Named("adamw", (r, big) -> {
            int n = big ? 50_001 : 500;
            Buffer p = r.normal(n);
            Buffer g = r.normal(n);
            Buffer m = r.normal(n);
            Buffer v = r.uniform(n, 0.1, 1);
            long[] step = {0};
            return () -> r.be.adamwUpdate(p, g, m, v, n, 1e-3, 0.9, 0.999, 1e-8, 0.1, 1 + step[0]++ % 1000);
        }));
        all.add(new Named("fills", (r, big) -> {
            int n = big ? 50_001 : 100;
            Buffer x = r.normal(n);
            Buffer ints = r.be.allocate(DType.INT32, n);
            return () -> {
                r.be.fill(x, 0.0);
                r.be.fillUniform(x, STREAM, 3, -1, 1);
                r.be.fillNormal(x, STREAM, 4, 0, 1);
                r.be.fillUniformInt(ints, STREAM, 5, 17);
                r.be.fill(ints, 0);
            };
        }));
        all.add(new Named("copies to, from and between buffers", (r, big) -> {
            int n = big ? 50_001 : 100;
            Buffer x = r.normal(n);
            Buffer y = r.normal(n);
            float[] host = new float[n];
            return () -> {
                r.be.copyToHost(x, host);
                r.be.copyFromHost(y, host);
                r.be.copy(x, y);
            };
        }));
        all.add(new Named("gather, concat and slice forward and backward", (r, big) -> {
            int rows = big ? 512 : 16;
            int width = big ? 40 : 10;
            Buffer table = r.normal(7L * width);
            Buffer dTable = r.normal(7L * width);
            Buffer index = r.be.allocate(DType.INT32, rows);
            r.be.fillUniformInt(index, STREAM, 9, 7);
            int[] widths = {width, 3, width};
            int total = 2 * width + 3;
            List<Buffer> parts = Arrays.asList(r.normal((long) rows * width), r.normal(rows * 3L),
                    r.normal((long) rows * width));
            List<Buffer> dParts = Arrays.asList(r.normal((long) rows * width), null, r.normal((long) rows * width));
            Buffer gathered = r.normal((long) rows * width);
            Buffer joined = r.normal((long) rows * total);
            Buffer dJoined = r.normal((long) rows * total);
            return () -> {
                r.be.gatherRowsForward(gathered, table, index, rows, width);
                r.be.gatherRowsBackward(dTable, gathered, index, rows, width);
                r.be.concatLastForward(joined, parts, rows, widths);
                r.be.concatLastBackward(dParts, dJoined, rows, widths);
                r.be.sliceLastForward(gathered, joined, rows, total, width + 3, width);
                r.be.sliceLastBackward(dJoined, gathered, rows, total, 1, width);
            };
        }));
        return all;
    }

    @TestFactory
    Stream<DynamicContainer> kernelCallsAllocateNothingOnceCompiled() {
        return Stream.of(1, 2).map(threads -> DynamicContainer.dynamicContainer("threads=" + threads,
                families().stream().flatMap(f -> Stream.of(false, true).map(big -> DynamicTest.dynamicTest(
                        f.name() + (big ? " (threaded size)" : ""), () -> check(threads, f, big))))));
    }

    private static void check(int threads, Named f, boolean big) {
        String name = f.name() + (big ? " (threaded size)" : "");
        String key = name + " | " + threads;
        try (CpuBackend be = new CpuBackend(threads)) {
            Runnable call = f.family().setUp(new Filler(be), big);
            int warm = 0;
            for (; warm < MIN_WARM_UP; warm++) {
                call.run();
            }
            // listed after the first calls, so the pool's workers (started by the first parallel call) are in it
            HeapAllocations.Threads live = new HeapAllocations.Threads();
            long deadline = System.nanoTime() + MAX_WARM_UP_SECONDS * 1_000_000_000L;
            for (Window w = null; w == null || w.kernelThreads() != 0 && System.nanoTime() < deadline; warm += CALLS) {
                w = window(call, live);
            }
            // the measured window: the least of a few, so that a one-off event (a late recompilation) in one window
            // does not fail the test, while an allocation of the call itself shows in every window
            Window least = window(call, live);
            for (int attempt = 1; attempt < MEASURED_WINDOWS && least.kernelThreads() != 0; attempt++) {
                Window again = window(call, live);
                least = again.kernelThreads() < least.kernelThreads() ? again : least;
            }
            Window w = least;
            int warmed = warm;
            TABLE.put(key, String.format("%.1f | %.1f | %d", w.kernelThreads() / (double) CALLS,
                    w.allThreads() / (double) CALLS, warm));
            assertEquals(0, w.kernelThreads(), () -> key + " threads: allocates "
                    + w.kernelThreads() / CALLS + " bytes per call after " + warmed + " warm-up calls ("
                    + MAX_WARM_UP_SECONDS + " s); by thread: " + live.allocating());
        }
    }

    /**
     * Bytes allocated during one window of {@value #CALLS} calls: by the threads that run kernels (the calling thread
     * and every samplex-cpu worker), and by all threads, harness included.
     */
    private record Window(long kernelThreads, long allThreads) {
    }

    /** One window; the per-thread reads bracket the total's. */
    private static Window window(Runnable call, HeapAllocations.Threads live) {
        live.readBefore();
        long before = HeapAllocations.total();
        for (int i = 0; i < CALLS; i++) {
            call.run();
        }
        long after = HeapAllocations.total();
        live.readAfter();
        return new Window(live.kernelBytes(), after - before);
    }

    @Test
    void anEmptyWindowMeasuresNothingAndAnArrayIsSeen() {
        HeapAllocations.Threads live = new HeapAllocations.Threads();
        Runnable nothing = () -> {
        };
        Runnable array = () -> sink = new byte[1000];
        for (int i = 0; i < MIN_WARM_UP; i++) {
            nothing.run();
            array.run();
            window(nothing, live);
        }
        Window empty = window(nothing, live);
        assertEquals(0, empty.kernelThreads(), () -> "an empty window allocates: " + live.allocating());
        Window arrays = window(array, live);
        assertTrue(arrays.kernelThreads() >= 1000L * CALLS, "100 arrays of 1000 bytes measure "
                + arrays.kernelThreads() + " bytes on the calling thread");
        assertTrue(arrays.allThreads() >= 1000L * CALLS, "and " + arrays.allThreads() + " bytes on all threads");
    }

    @AfterAll
    static void writeTable() throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("# Heap bytes per kernel call once compiled (cpu backend)");
        lines.add("");
        lines.add("| family | threads | bytes per call (kernel threads) | (all threads) | warm-up calls |");
        lines.add("|---|---|---|---|---|");
        TABLE.forEach((k, v) -> lines.add("| " + k + " | " + v + " |"));
        Path target = Path.of("target");
        Files.createDirectories(target);
        Files.writeString(target.resolve("allocation.md"), String.join("\n", lines) + "\n");
    }
}

package org.samplex.backend.cuda;

import java.util.Locale;
import org.samplex.api.Backend;
import org.samplex.api.BackendOptions;
import org.samplex.api.Buffer;
import org.samplex.api.Probe;
import org.samplex.api.rng.RngStream;

/**
 * Attention forward + backward throughput on cuda at long N, against the H200's memory-bandwidth bound: a
 * measurement for scripts/gpu-check.sh (timing lives in scripts and benchmarks, not in unit tests), in the test
 * sources so the GPU bundle carries it beside the gpu tests.
 *
 * <p>Arguments (all optional): B N H hd reps; default 8 4096 1 92 10, the qSTR Transformer's one full-width head
 * at N = 4096 (q = 1, d = 10: D = d + 2 d_e, d_e = floor(5 ln N) = 41, so hd = 92), 8 prompts.
 *
 * <p>The bound: the least a fused kernel must move through HBM, each tensor once, float32 (S = B N H hd
 * elements per (B, N, H*hd) tensor, L = B H N per log-sum-exp):
 * forward reads q, k, v and writes out and lse: 4 S + L; backward reads q, k, v, out, dOut, lse and reads and
 * writes dQ, dK, dV (the kernels add into them): 5 S + L + 6 S. Together 4 (15 S + 2 L) bytes. At
 * {@value #HBM_BYTES_PER_S} bytes/s (the H200's HBM3e, 4.8 TB/s) that takes bytes / 4.8e12 s; the line printed
 * gives the measured time, the bytes, the bound's time and the fraction of it reached. Attention at long N does
 * N^2 work on N data, so it is compute bound and the fraction is far below 1: the line also gives the
 * arithmetic (4 B H N^2 hd forward, 10 B H N^2 hd backward: scores and weighted sum; recomputed scores, dP, dV,
 * dQ, dK; halved when causal) and its rate.
 */
public final class AttentionThroughput {
    /** The H200's HBM3e bandwidth in bytes per second (NVIDIA's data sheet: 4.8 TB/s). */
    static final double HBM_BYTES_PER_S = 4.8e12;

    private AttentionThroughput() {
    }

    /** The least bytes a fused forward + backward moves (see the class comment). */
    static double minimumBytes(int batch, int positions, int heads, int headWidth) {
        double s = (double) batch * positions * heads * headWidth;
        double l = (double) batch * heads * positions;
        return 4 * (15 * s + 2 * l);
    }

    /** Floating-point operations of one forward + backward, non-causal. */
    static double flops(int batch, int positions, int heads, int headWidth) {
        return 14.0 * batch * heads * (double) positions * positions * headWidth;
    }

    public static void main(String[] args) {
        int batch = arg(args, 0, 8);
        int positions = arg(args, 1, 4096);
        int heads = arg(args, 2, 1);
        int headWidth = arg(args, 3, 92);
        int reps = arg(args, 4, 10);
        String shape = "B=" + batch + " N=" + positions + " H=" + heads + " hd=" + headWidth;
        Probe probe = new CudaBackendProvider().probe();
        if (!probe.available()) {
            System.out.println("attention throughput " + shape + ": not measured (" + probe.reason() + ")");
            return;
        }
        long size = (long) batch * positions * heads * headWidth;
        double scale = 1.0 / Math.sqrt(headWidth);
        RngStream stream = RngStream.of(1, "attention-throughput");
        try (Backend be = new CudaBackendProvider().open(BackendOptions.defaults());
             Buffer q = be.allocate(size); Buffer k = be.allocate(size); Buffer v = be.allocate(size);
             Buffer out = be.allocate(size); Buffer dOut = be.allocate(size);
             Buffer dQ = be.allocate(size); Buffer dK = be.allocate(size); Buffer dV = be.allocate(size);
             Buffer lse = be.allocate((long) batch * heads * positions)) {
            int substream = 0;
            for (Buffer b : new Buffer[] {q, k, v, dOut}) {
                be.fillUniform(b, stream, substream++, -1, 1);
            }
            double[] forward = new double[reps];
            double[] both = new double[reps];
            for (int r = -2; r < reps; r++) {  // two untimed rounds: module load, kernel compilation
                be.synchronize();
                long t0 = System.nanoTime();
                be.attentionForward(out, lse, q, k, v, batch, positions, heads, headWidth, scale, false);
                be.synchronize();
                long t1 = System.nanoTime();
                be.attentionBackward(dQ, dK, dV, dOut, q, k, v, out, lse, batch, positions, heads, headWidth, scale,
                        false);
                be.synchronize();
                long t2 = System.nanoTime();
                if (r >= 0) {
                    forward[r] = (t1 - t0) * 1e-9;
                    both[r] = (t2 - t0) * 1e-9;
                }
            }
            double fwd = median(forward);
            double seconds = median(both);
            double bytes = minimumBytes(batch, positions, heads, headWidth);
            double bound = bytes / HBM_BYTES_PER_S;
            System.out.println(String.format(Locale.ROOT, "attention throughput %s (non-causal, float32, median of %d):"
                            + " forward %.3f ms, forward+backward %.3f ms; minimum traffic %.1f MB, at 4.8 TB/s"
                            + " %.4f ms, so %.2f%% of the bandwidth bound (%.0f GB/s); %.1f TFLOP/s",
                    shape, reps, fwd * 1e3, seconds * 1e3, bytes / 1e6, bound * 1e3, 100 * bound / seconds,
                    bytes / seconds / 1e9, flops(batch, positions, heads, headWidth) / seconds / 1e12));
        }
    }

    private static int arg(String[] args, int i, int fallback) {
        return args.length > i ? Integer.parseInt(args[i]) : fallback;
    }

    private static double median(double[] x) {
        double[] s = x.clone();
        java.util.Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}

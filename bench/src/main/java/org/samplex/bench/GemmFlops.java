package org.samplex.bench;

import java.util.Arrays;
import java.util.Locale;
import org.samplex.api.Backend;
import org.samplex.api.Buffer;

/**
 * sgemm GFLOP/s measured the way scripts/compare-cpu.sh measures numpy with OpenBLAS, so that the two numbers
 * can be set side by side: C (m, n) = A (m, k) B (k, n), NN, beta 0, operands from U(-1, 1); a warm-up of
 * {@code --warmup} seconds of back-to-back products, then {@code --runs} runs of {@code --seconds} seconds each,
 * every run counting the products it completes; GFLOP/s of a run = 2 m n k products / seconds / 1e9. Prints one
 * line per run and a last line {@code best_gflops=X median_gflops=Y} (the best run is the figure compared).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp 'bench/target/samplex-bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*' \
 *     org.samplex.bench.GemmFlops [--backend cpu] [--threads 2] [--size 512 | --m M --n N --k K] \
 *     [--runs 5] [--seconds 1] [--warmup 2]
 * </pre>
 * Exits 2 for a bad argument.
 */
public final class GemmFlops {

    private GemmFlops() {
    }

    public static void main(String[] args) {
        String backend = "cpu";
        int threads = 2;
        int m = 512;
        int n = 512;
        int k = 512;
        int runs = 5;
        double seconds = 1.0;
        double warmup = 2.0;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--backend" -> backend = value(args, ++i, a);
                    case "--threads" -> threads = count(a, value(args, ++i, a), 1, 4096);
                    case "--size" -> {
                        m = count(a, value(args, ++i, a), 1, 1 << 15);
                        n = m;
                        k = m;
                    }
                    case "--m" -> m = count(a, value(args, ++i, a), 1, 1 << 15);
                    case "--n" -> n = count(a, value(args, ++i, a), 1, 1 << 15);
                    case "--k" -> k = count(a, value(args, ++i, a), 1, 1 << 15);
                    case "--runs" -> runs = count(a, value(args, ++i, a), 1, 1000);
                    case "--seconds" -> seconds = seconds(a, value(args, ++i, a));
                    case "--warmup" -> warmup = seconds(a, value(args, ++i, a));
                    case "-h", "--help" -> {
                        System.out.println("usage: GemmFlops [--backend cpu] [--threads 2] [--size 512 | --m M --n N"
                                + " --k K] [--runs 5] [--seconds 1] [--warmup 2]");
                        return;
                    }
                    default -> throw new IllegalArgumentException("unknown argument '" + a + "'");
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println("GemmFlops: " + e.getMessage());
            System.exit(2);
            return;
        }
        double flops = 2.0 * m * n * k;
        double[] gflops = new double[runs];
        try (Backend be = Fixtures.open(backend, threads)) {
            Buffer a = Fixtures.uniform(be, (long) m * k, 1);
            Buffer b = Fixtures.uniform(be, (long) k * n, 2);
            Buffer c = be.allocate((long) m * n);
            loop(be, m, n, k, a, b, c, warmup);
            for (int r = 0; r < runs; r++) {
                long start = System.nanoTime();
                long count = loop(be, m, n, k, a, b, c, seconds);
                double elapsed = (System.nanoTime() - start) * 1e-9;
                gflops[r] = count * flops / elapsed / 1e9;
                System.out.printf(Locale.ROOT, "run %d: %d products in %.3f s, %.2f GFLOP/s%n", r + 1, count,
                        elapsed, gflops[r]);
            }
        }
        double[] sorted = gflops.clone();
        Arrays.sort(sorted);
        double median = runs % 2 == 1 ? sorted[runs / 2] : (sorted[runs / 2 - 1] + sorted[runs / 2]) / 2;
        System.out.printf(Locale.ROOT, "GemmFlops backend=%s threads=%d shape=%dx%dx%d NN best_gflops=%.2f "
                + "median_gflops=%.2f%n", backend, threads, m, n, k, sorted[runs - 1], median);
    }

    /** Back-to-back products until {@code seconds} have passed (at least one); returns how many ran. */
    private static long loop(Backend be, int m, int n, int k, Buffer a, Buffer b, Buffer c, double seconds) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long count = 0;
        do {
            be.gemm(false, false, m, n, k, 1.0, a, b, 0.0, c);
            be.synchronize();
            count++;
        } while (System.nanoTime() < end);
        return count;
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int count(String option, String v, int min, int max) {
        int x;
        try {
            x = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be an integer in [" + min + ", " + max + "], got '"
                    + v + "'");
        }
        if (x < min || x > max) {
            throw new IllegalArgumentException(option + " must be in [" + min + ", " + max + "], got " + x);
        }
        return x;
    }

    private static double seconds(String option, String v) {
        double x;
        try {
            x = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a number of seconds, got '" + v + "'");
        }
        if (!(x >= 0 && x <= 3600)) {
            throw new IllegalArgumentException(option + " must be in [0, 3600] seconds, got " + v);
        }
        return x;
    }
}

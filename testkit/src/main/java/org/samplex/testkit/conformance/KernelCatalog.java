package org.samplex.testkit.conformance;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.samplex.api.Activation;
import org.samplex.api.Backend;
import org.samplex.api.Buffer;
import org.samplex.api.rng.RngStream;
import org.samplex.api.tape.GemmSpec;
import org.samplex.testkit.conformance.KernelCase.Values;

/**
 * Every kernel family of {@link Backend} and its variants as {@link KernelCase}s. {@link #small()} has tiny
 * shapes (B &lt;= 2, N &lt;= 5, widths &lt;= 6) for finite differences; {@link #large()} repeats the families at
 * odd, larger sizes so vector tails, blocking and thread splits are exercised by the conformance suite.
 */
public final class KernelCatalog {
    /** The stream every fill case draws from. */
    static final RngStream STREAM = RngStream.of(7, "test");

    private KernelCatalog() {
    }

    /** Tiny cases: one per family and variant. */
    public static List<KernelCase> small() {
        List<KernelCase> all = new ArrayList<>();
        for (boolean transA : new boolean[] {false, true}) {
            for (boolean transB : new boolean[] {false, true}) {
                // padded leading dimensions: each stored row has 1 or 2 dead elements
                int m = 3;
                int n = 4;
                int k = 5;
                all.add(gemm("gemm " + (transA ? "T" : "N") + (transB ? "T" : "N"), new GemmSpec(transA, transB, m, n,
                        k, 1.0, (transA ? m : k) + 1, 0, (transB ? k : n) + 2, 0, n + 1, 0, 1), 0.0));
            }
        }
        all.add(gemm("gemm batched strided NT", strided(false, true, 2, 3, 4, 2, false, false), 0.0));
        all.add(gemm("gemm batched shared A (stride 0) TN", strided(true, false, 3, 2, 4, 2, true, false), 0.0));
        all.add(gemm("gemm batched shared B (stride 0) NT", strided(false, true, 3, 4, 2, 2, false, true), 0.0));
        all.add(gemm("gemm alpha 0.5 beta -0.75", new GemmSpec(false, true, 3, 4, 5, 0.5, 5, 0, 5, 0, 4, 0, 1),
                -0.75));
        all.add(PointwiseCases.biasAdd("bias add", 4, 5, false));
        all.add(PointwiseCases.biasAdd("bias add in place", 3, 6, true));
        for (Activation f : Activation.values()) {
            all.add(PointwiseCases.activation(f.name().toLowerCase(Locale.ROOT), f, 12));
        }
        for (Activation f : Activation.values()) {
            all.add(PointwiseCases.biasActivation("bias + " + f.name().toLowerCase(Locale.ROOT), f, 4, 5, false));
        }
        all.add(PointwiseCases.biasActivation("bias + relu in place", Activation.RELU, 3, 6, true));
        all.add(PointwiseCases.add("add", 12));
        all.add(PointwiseCases.mul("mul", 12));
        all.add(SequenceCases.attention("attention full width H=1 hd=6", 2, 4, 1, 6, false));
        all.add(SequenceCases.attention("attention split H=2 hd=3", 2, 5, 2, 3, false));
        all.add(SequenceCases.attention("attention causal H=2 hd=3", 2, 5, 2, 3, true));
        all.add(SequenceCases.attention("attention causal H=1 hd=4", 1, 5, 1, 4, true));
        all.add(SequenceCases.gru("gru cell", 2, 3));
        all.add(SequenceCases.gruStep("gru step, b_hh, step 1 of 3", 2, 3, 3, 1, true));
        all.add(SequenceCases.gruStep("gru step, no b_hh, step 0 of 2", 2, 3, 2, 0, false));
        all.add(SequenceCases.lstm("lstm cell", 2, 3, true));
        all.add(SequenceCases.lstm("lstm cell without dCNew", 2, 3, false));
        all.add(SequenceCases.scan("scan", 2, 4, 3, false));
        all.add(SequenceCases.scan("scan reversed", 2, 4, 3, true));
        all.add(PointwiseCases.mse("mse", 10));
        all.add(PointwiseCases.adamw("adamw", 10));
        all.add(LayoutCases.gather("gather rows", 5, 3, 7));
        all.add(LayoutCases.concat("concat last", 3, new int[] {2, 4, 1}));
        all.add(LayoutCases.slice("slice last", 3, 6, 2, 3));
        all.addAll(LayoutCases.fills("", 11));
        return all;
    }

    /** The same families at larger, odd sizes (no finite differences: for conformance and determinism). */
    public static List<KernelCase> large() {
        List<KernelCase> all = new ArrayList<>();
        all.add(gemm("gemm NN (large)", new GemmSpec(false, false, 37, 29, 41, 1.0, 43, 0, 31, 0, 30, 0, 1), 0.0));
        all.add(gemm("gemm TT (large)", new GemmSpec(true, true, 19, 23, 17, 1.0, 20, 0, 18, 0, 23, 0, 1), 0.0));
        all.add(gemm("gemm batched strided TN (large)", strided(true, false, 19, 23, 33, 3, false, false), 0.0));
        all.add(gemm("gemm batched shared B NT (large)", strided(false, true, 21, 34, 40, 3, false, true), 0.0));
        all.add(gemm("gemm alpha beta (large)", new GemmSpec(false, false, 33, 35, 39, -1.5, 39, 0, 35, 0, 35, 0, 1),
                0.25));
        // the direct path's vector of columns (B not transposed, n past a vector at 8 and 16 lanes, k below one):
        // Mamba's batched outer products, with a column tail
        all.add(gemm("gemm batched small NN, k = 1 (direct columns)", strided(false, false, 7, 35, 1, 4, false, false),
                0.0));
        all.add(gemm("gemm TN alpha beta small (direct columns)", new GemmSpec(true, false, 5, 19, 3, -1.5, 5, 0, 19, 0,
                19, 0, 1), 0.25));
        all.add(PointwiseCases.biasAdd("bias add (large)", 33, 67, false));
        for (Activation f : Activation.values()) {
            all.add(PointwiseCases.activation(f.name().toLowerCase(Locale.ROOT) + " (large)", f, 1031));
        }
        for (Activation f : Activation.values()) {
            all.add(PointwiseCases.biasActivation("bias + " + f.name().toLowerCase(Locale.ROOT) + " (large)", f, 33,
                    67, false));
        }
        all.add(PointwiseCases.add("add (large)", 1031));
        all.add(PointwiseCases.mul("mul (large)", 1031));
        all.add(SequenceCases.attention("attention split H=2 hd=8 (large)", 2, 19, 2, 8, false));
        all.add(SequenceCases.attention("attention causal H=2 hd=8 (large)", 2, 19, 2, 8, true));
        all.add(SequenceCases.attention("attention full width H=1 hd=16 causal (large)", 3, 13, 1, 16, true));
        all.add(SequenceCases.gru("gru cell (large)", 3, 37));
        all.add(SequenceCases.gruStep("gru step (large), last of 4", 3, 37, 4, 3, true));
        all.add(SequenceCases.lstm("lstm cell (large)", 3, 37, true));
        // channels of several vectors and a tail at every vector width, beyond one block of 256
        all.add(SequenceCases.scan("scan (large)", 3, 13, 37, false));
        all.add(SequenceCases.scan("scan reversed (large)", 2, 11, 301, true));
        all.add(PointwiseCases.mse("mse (large)", 1031));
        all.add(PointwiseCases.adamw("adamw (large)", 1031));
        all.add(LayoutCases.gather("gather rows (large)", 50, 33, 70));
        all.add(LayoutCases.concat("concat last (large)", 17, new int[] {5, 16, 3}));
        all.add(LayoutCases.slice("slice last (large)", 17, 40, 7, 19));
        all.addAll(LayoutCases.fills(" (large)", 1031));
        all.addAll(threaded());
        all.addAll(longN());
        return all;
    }

    /**
     * Attention at N = 4096, non-causal and causal, on 128 seeded query rows each (first and last included): the
     * lengths where the kernels' tiling over keys and queries runs many tiles deep, checked against a float64
     * reference of the sampled rows ({@link SampledAttention}); tolerance as derived for attention in
     * {@link SequenceCases#sampledAttention}.
     */
    static List<KernelCase> longN() {
        return List.of(
                SequenceCases.sampledAttention("attention full width H=1 hd=8 N=4096 (128 sampled rows)", 1, 4096, 1, 8,
                        false, 128),
                SequenceCases.sampledAttention("attention causal H=1 hd=16 N=4096 (128 sampled rows)", 1, 4096, 1,
                        16, true, 128));
    }

    /** Sizes well above the cpu backend's inline-work threshold, so the work is split across threads. */
    private static List<KernelCase> threaded() {
        List<KernelCase> all = new ArrayList<>();
        all.add(gemm("gemm batched strided NT (threaded)", strided(false, true, 96, 80, 72, 2, false, false), 0.0));
        all.add(gemm("gemm batched shared B NN (threaded)", strided(false, false, 64, 70, 90, 3, false, true), 0.0));
        // single products on the packed path: rows split across threads, k beyond one panel (256), partial
        // row and column tiles, every transpose; and the direct path (n below one vector)
        all.add(gemm("gemm NN two panels (threaded)", new GemmSpec(false, false, 151, 70, 300, 1.0, 301, 0, 71, 0, 72,
                0, 1), 0.0));
        all.add(gemm("gemm TN alpha beta two panels (threaded)", new GemmSpec(true, false, 97, 53, 260, -1.5, 97, 0,
                53, 0, 53, 0, 1), 0.25));
        all.add(gemm("gemm NT (threaded)", new GemmSpec(false, true, 130, 47, 90, 1.0, 90, 0, 90, 0, 47, 0, 1), 0.0));
        all.add(gemm("gemm TT two panels (threaded)", new GemmSpec(true, true, 64, 100, 280, 1.0, 64, 0, 280, 0, 100,
                0, 1), 0.0));
        // a row-major A read in place (C at most two column slivers wide): beyond one panel, a 1-row last tile
        all.add(gemm("gemm NN unpacked A two panels (threaded)", new GemmSpec(false, false, 145, 40, 300, 1.0, 301,
                0, 41, 0, 42, 0, 1), 0.25));
        // a row-major A packed (more than four column slivers), last sliver one vector or less
        all.add(gemm("gemm NT wide (threaded)", new GemmSpec(false, true, 70, 140, 40, 1.0, 40, 0, 40, 0, 140, 0, 1),
                0.0));
        // whole tiles stored straight into C (beta 0, alpha 1); with 16 lanes n = 48 is one whole sliver and one of
        // exactly one vector (with 8 lanes, three whole slivers)
        all.add(gemm("gemm NN whole tiles, one-vector last sliver (threaded)", new GemmSpec(false, false, 96, 48, 50,
                1.0, 50, 0, 48, 0, 48, 0, 1), 0.0));
        all.add(gemm("gemm NT narrow (threaded)", new GemmSpec(false, true, 200, 5, 70, 1.0, 70, 0, 70, 0, 5, 0, 1),
                0.5));
        all.add(PointwiseCases.biasAdd("bias add (threaded)", 300, 257, false));
        all.add(PointwiseCases.activation("tanh (threaded)", Activation.TANH, 100_003));
        all.add(PointwiseCases.biasActivation("bias + relu (threaded)", Activation.RELU, 300, 257, false));
        all.add(PointwiseCases.biasActivation("bias + tanh in place (threaded)", Activation.TANH, 300, 257, true));
        all.add(PointwiseCases.mul("mul (threaded)", 100_003));
        all.add(SequenceCases.attention("attention causal H=2 hd=16 (threaded)", 2, 48, 2, 16, true));
        all.add(SequenceCases.attention("attention split H=4 hd=8 (threaded)", 3, 40, 4, 8, false));
        all.add(SequenceCases.gru("gru cell (threaded)", 8, 200));
        all.add(SequenceCases.gruStep("gru step (threaded)", 8, 200, 2, 1, true));
        all.add(SequenceCases.lstm("lstm cell (threaded)", 8, 200, true));
        all.add(SequenceCases.scan("scan reversed (threaded)", 8, 16, 600, true));
        all.add(PointwiseCases.mse("mse (threaded)", 100_003));
        all.add(PointwiseCases.adamw("adamw (threaded)", 100_003));
        all.add(LayoutCases.gather("gather rows (threaded)", 300, 64, 500));
        all.add(LayoutCases.concat("concat last (threaded)", 500, new int[] {64, 100, 37}));
        all.addAll(LayoutCases.fills(" (threaded)", 100_003));
        return all;
    }

    /** Both lists. */
    public static List<KernelCase> all() {
        List<KernelCase> all = new ArrayList<>(small());
        all.addAll(large());
        return all;
    }

    /** The case called {@code name}. */
    public static KernelCase named(String name) {
        return all().stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no kernel case '" + name + "'"));
    }

    // ---- gemm -------------------------------------------------------------------------------------------------

    /**
     * A batched product whose stored matrices have a padded leading dimension (one dead element per row) and a
     * gap of two dead elements between batch entries; a shared operand has stride 0.
     */
    static GemmSpec strided(boolean transA, boolean transB, int m, int n, int k, int batch, boolean sharedA,
                            boolean sharedB) {
        int aRows = transA ? k : m;
        int lda = (transA ? m : k) + 1;
        int bRows = transB ? n : k;
        int ldb = (transB ? k : n) + 1;
        int ldc = n + 1;
        return new GemmSpec(transA, transB, m, n, k, 1.0, lda, sharedA ? 0 : (long) aRows * lda + 2, ldb,
                sharedB ? 0 : (long) bRows * ldb + 2, ldc, (long) m * ldc + 2, batch);
    }

    /** Elements spanned by a batch of stored (rows, cols) matrices and which of them are live. */
    static boolean[] matrixLayout(int rows, int cols, int ld, long stride, int batch) {
        int length = (int) ((batch - 1) * stride + (long) (rows - 1) * ld + cols);
        boolean[] live = new boolean[length];
        for (int p = 0; p < batch; p++) {
            for (int r = 0; r < rows; r++) {
                Arrays.fill(live, (int) (p * stride) + r * ld, (int) (p * stride) + r * ld + cols, true);
            }
        }
        return live;
    }

    /**
     * C = alpha op(A) op(B) + beta C0 through {@link Backend#gemm}; the backward is {@link GemmSpec#backward}
     * (the api's, so its transposes, strides and shared operands are checked here too) plus dC0 += beta dC.
     * With beta 0 there is no C0 and the output starts as NaN, which checks that C is not read.
     */
    static KernelCase gemm(String name, GemmSpec s, double beta) {
        boolean[] a = matrixLayout(s.transA() ? s.k() : s.m(), s.transA() ? s.m() : s.k(), s.lda(), s.strideA(),
                s.batch());
        boolean[] b = matrixLayout(s.transB() ? s.n() : s.k(), s.transB() ? s.k() : s.n(), s.ldb(), s.strideB(),
                s.batch());
        boolean[] c = matrixLayout(s.m(), s.n(), s.ldc(), s.strideC(), s.batch());
        boolean shared = s.strideA() == 0 || s.strideB() == 0;
        KernelCase.Builder builder = KernelCase.builder(name)
                .input("a", a.length, a, Values.uniform(-1, 1))
                .input("b", b.length, b, Values.uniform(-1, 1));
        if (beta != 0) {
            builder.input("c0", c.length, c, Values.uniform(-1, 1));
        }
        return builder.output("c", c.length, c)
                .reduction(Math.max(s.k(), Math.max(s.m(), s.n())) * (shared ? s.batch() : 1) + 1)
                .depth(3)
                .forward((be, t) -> {
                    if (beta != 0) {
                        be.copy(t.get("c"), t.get("c0"));
                    }
                    s.forward(be, t.get("a"), t.get("b"), beta, t.get("c"));
                })
                .backward((be, t) -> {
                    s.backward(be, t.get("dA"), t.get("dB"), t.get("dC"), t.get("a"), t.get("b"));
                    if (beta != 0 && t.get("dC0") != null) {
                        scaleAdd(be, t.get("dC0"), beta, t.get("dC"), c.length);
                    }
                })
                .build();
    }

    /** y (1, n) += beta x (1, n), written as the product of the 1 x 1 matrix [beta] and x. */
    private static void scaleAdd(Backend be, Buffer y, double beta, Buffer x, int n) {
        try (Buffer scalar = be.allocate(1)) {
            be.fill(scalar, beta);
            be.gemm(false, false, 1, n, 1, 1.0, scalar, 1, 0, x, n, 0, 1.0, y, n, 0, 1);
        }
    }
}

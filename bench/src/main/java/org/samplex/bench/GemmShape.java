package org.samplex.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One matrix product C (m, n) = op(A) op(B) that {@link GemmBenchmark} times, by name: the squares and the
 * products one training step of each learner makes at the paper's settings (general 1STR, d = 10, q = 1, batch
 * 64), with the transposes the learners use. {@code Ops.linear} computes y (R, out) = x (R, in) W^T as NT
 * (m = R, n = out, k = in); its backward adds dx = dy W as NN (m = R, n = in, k = out) and dW = dy^T x as TN
 * (m = out, n = in, k = R). Inputs of the first layer need no gradient, so those layers have no dx product.
 *
 * <p>Names are {@code model.layer.pass}: {@code tr8} the transformer at N = 8 (rows B N = 512, D = 30, MLP 100),
 * {@code tr12} at N = 12 (rows 768, D = 34), {@code mlp8} the feedforward network at N = 8 ([N D = 240, N d = 80,
 * 1000, N]), {@code gru8} the bidirectional GRU at N = 8 with hidden 500 (gates 1500); {@code eval} products are
 * those of one 1,000-prompt test chunk (the protocol's evaluation, forward only).
 *
 * @param name         the {@link GemmBenchmark#shape} parameter value
 * @param transA       whether A is stored transposed
 * @param transB       whether B is stored transposed
 * @param m            rows of C
 * @param n            columns of C
 * @param k            inner dimension
 * @param callsPerStep how many times one training step (or, for eval products, one test chunk) makes this
 *                     product; 0 for the squares
 * @param role         what the product is in the learner, for the report
 */
record GemmShape(String name, boolean transA, boolean transB, int m, int n, int k, int callsPerStep, String role) {

    /** Prompts per training step (the paper's batch). */
    static final int BATCH = 64;
    /** Prompts per test chunk (the protocol's evaluation chunk at N <= 16). */
    static final int EVAL_PROMPTS = 1000;

    private static final Map<String, GemmShape> ALL = build();

    GemmShape {
        if (m < 1 || n < 1 || k < 1) {
            throw new IllegalArgumentException("gemm shape " + name + ": m, n, k must be >= 1, got " + m + ", " + n
                    + ", " + k);
        }
    }

    /** Floating-point operations of one product: 2 m n k (a multiply and an add per term). */
    double flops() {
        return 2.0 * m * n * k;
    }

    /** The transposes as BLAS writes them: NN, NT, TN or TT. */
    String op() {
        return (transA ? "T" : "N") + (transB ? "T" : "N");
    }

    /** For tables: {@code NT 512x30x30} (m x n x k). */
    String geometry() {
        return op() + " " + m + "x" + n + "x" + k;
    }

    /** Every shape, in table order. */
    static List<GemmShape> all() {
        return List.copyOf(ALL.values());
    }

    /**
     * The shape of that name.
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    static GemmShape of(String name) {
        GemmShape s = ALL.get(name);
        if (s == null) {
            throw new IllegalArgumentException("shape must be one of " + ALL.keySet() + ", got '" + name + "'");
        }
        return s;
    }

    /** D = d + 2 d_e with d = 10 and d_e = floor(5 ln N): the token width of general 1STR. */
    static int tokenWidth(int positions) {
        return 10 + 2 * (int) Math.floor(5 * Math.log(positions));
    }

    private static Map<String, GemmShape> build() {
        List<GemmShape> list = new ArrayList<>();
        for (int size : new int[] {256, 512, 1024}) {
            list.add(new GemmShape("square" + size, false, false, size, size, size, 0, "square NN"));
        }
        transformer(list, 8);
        transformer(list, 12);
        mlp(list, 8);
        gru(list, 8, 500);
        Map<String, GemmShape> byName = new LinkedHashMap<>();
        for (GemmShape s : list) {
            if (byName.putIfAbsent(s.name(), s) != null) {
                throw new IllegalStateException("duplicate gemm shape " + s.name());
            }
        }
        return byName;
    }

    /** One layer y (rows, out) = x (rows, in) W^T: forward NT, dx NN (when x needs a gradient), dW TN. */
    private static void linear(List<GemmShape> list, String prefix, int rows, int in, int out, boolean dx,
                               int calls, String role) {
        list.add(new GemmShape(prefix + ".fwd", false, true, rows, out, in, calls, role + ": y = x W^T"));
        if (dx) {
            list.add(new GemmShape(prefix + ".dx", false, false, rows, in, out, calls, role + ": dx = dy W"));
        }
        list.add(new GemmShape(prefix + ".dw", true, false, out, in, rows, calls, role + ": dW = dy^T x"));
    }

    private static void evalLinear(List<GemmShape> list, String name, int rows, int in, int out, int calls,
                                   String role) {
        list.add(new GemmShape(name, false, true, rows, out, in, calls, role + ", test chunk: y = x W^T"));
    }

    private static void transformer(List<GemmShape> list, int n) {
        int d = tokenWidth(n);
        int mlp = 100;
        int rows = BATCH * n;
        String p = "tr" + n;
        // q, k, v and the output projection have the same (D, D) weight; only the output projection's input
        // (the attention output) needs a gradient
        list.add(new GemmShape(p + ".qkv.fwd", false, true, rows, d, d, 4, "q, k, v, out projections: y = x W^T"));
        list.add(new GemmShape(p + ".qkv.dx", false, false, rows, d, d, 1, "out projection: dx = dy W"));
        list.add(new GemmShape(p + ".qkv.dw", true, false, d, d, rows, 4, "q, k, v, out projections: dW = dy^T x"));
        linear(list, p + ".fc1", rows, d, mlp, true, 1, "MLP Linear(D, 100)");
        linear(list, p + ".fc2", rows, mlp, 1, true, 1, "MLP Linear(100, 1)");
        int evalRows = EVAL_PROMPTS * n;
        evalLinear(list, p + ".eval.qkv", evalRows, d, d, 4, "q, k, v, out projections");
        evalLinear(list, p + ".eval.fc1", evalRows, d, mlp, 1, "MLP Linear(D, 100)");
        evalLinear(list, p + ".eval.fc2", evalRows, mlp, 1, 1, "MLP Linear(100, 1)");
    }

    private static void mlp(List<GemmShape> list, int n) {
        int in = n * tokenWidth(n);
        int width1 = n * 10;
        int width2 = 1000;
        String p = "mlp" + n;
        linear(list, p + ".fc1", BATCH, in, width1, false, 1, "Linear(N D, N d)");
        linear(list, p + ".fc2", BATCH, width1, width2, true, 1, "Linear(N d, 1000)");
        linear(list, p + ".fc3", BATCH, width2, n, true, 1, "Linear(1000, N)");
        evalLinear(list, p + ".eval.fc1", EVAL_PROMPTS, in, width1, 1, "Linear(N D, N d)");
        evalLinear(list, p + ".eval.fc2", EVAL_PROMPTS, width1, width2, 1, "Linear(N d, 1000)");
        evalLinear(list, p + ".eval.fc3", EVAL_PROMPTS, width2, n, 1, "Linear(1000, N)");
    }

    private static void gru(List<GemmShape> list, int n, int hidden) {
        int d = tokenWidth(n);
        int gates = 3 * hidden;
        int directions = 2;
        String p = "gru" + n;
        // the input projection of all positions is one product per direction; the hidden projection runs per
        // position except the first (h_{-1} = 0), per direction
        int recurrent = directions * (n - 1);
        linear(list, p + ".ih", BATCH * n, d, gates, false, directions, "input projection W_ih");
        linear(list, p + ".hh", BATCH, hidden, gates, true, recurrent, "recurrent projection W_hh");
        linear(list, p + ".out", BATCH * n, directions * hidden, 1, true, 1, "readout Linear(2h, 1)");
        evalLinear(list, p + ".eval.ih", EVAL_PROMPTS * n, d, gates, directions, "input projection");
        evalLinear(list, p + ".eval.hh", EVAL_PROMPTS, hidden, gates, recurrent, "recurrent projection");
    }
}

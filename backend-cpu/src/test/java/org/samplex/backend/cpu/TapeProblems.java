package org.samplex.backend.cpu;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.samplex.api.Activation;
import org.samplex.api.Buffer;
import org.samplex.api.DType;
import org.samplex.api.tape.GemmSpec;
import org.samplex.api.tape.Ops;
import org.samplex.api.tape.Parameters;
import org.samplex.api.tape.SequenceOps;
import org.samplex.api.tape.Tape;
import org.samplex.api.tape.Tensor;

/**
 * Small end-to-end losses built from the api's tape ops, for finite-difference checks of the composite
 * backwards (Ops.linear, Ops.gemm through GemmSpec.backward, SequenceOps, Tape.backward). Every differentiated
 * tensor is a parameter, so one slab holds all the values to perturb; constants (targets, indices) are copied
 * into the tape's arena on every evaluation.
 */
final class TapeProblems {
    private TapeProblems() {
    }

    /** A loss over declared parameters. */
    interface Loss {
        Tensor build(Tape tape, Parameters p);
    }

    record Problem(String name, Parameters.Builder parameters, Loss loss) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Problem> all() {
        List<Problem> all = new ArrayList<>();
        all.add(mlp());
        all.add(fusedLinear());
        for (boolean transA : new boolean[] {false, true}) {
            for (boolean transB : new boolean[] {false, true}) {
                all.add(gemm(transA, transB, false, false));
            }
        }
        all.add(gemm(true, false, true, false));
        all.add(gemm(false, true, false, true));
        all.add(attention(2, true));
        all.add(attention(1, false));
        all.add(gru());
        all.add(lstm());
        all.add(pointwiseAndLayout());
        return all;
    }

    /** A constant tensor of fixed random values in the tape's arena. */
    static Tensor constant(Tape tape, long seed, int... shape) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        SplittableRandom random = new SplittableRandom(seed);
        double[] values = new double[n];
        for (int e = 0; e < n; e++) {
            values[e] = random.nextDouble(-1, 1);
        }
        Buffer b = tape.arena().allocate(n);
        tape.backend().copyFromHost(b, values);
        return Tensor.constant(b, shape);
    }

    /** x (3, 4) -> linear (5) -> relu -> linear (2) -> mse. */
    private static Problem mlp() {
        Parameters.Builder p = Parameters.builder().add("x", 3, 4).add("w1", 5, 4).add("b1", 5).add("w2", 2, 5)
                .add("b2", 2);
        return new Problem("tape: linear, relu, linear, mse", p, (tape, w) -> {
            Tensor pre = Ops.linear(tape, w.get("x"), w.get("w1"), w.get("b1"));
            double[] v = new double[(int) pre.size()];
            tape.backend().copyToHost(pre.value(), v);
            for (double x : v) {
                if (Math.abs(x) < 1e-3) {
                    throw new AssertionError("the test's seed puts a relu input within 1e-3 of its kink: " + x);
                }
            }
            Tensor y = Ops.linear(tape, Ops.relu(tape, pre), w.get("w2"), w.get("b2"));
            return Ops.mse(tape, y, constant(tape, 1, 3, 2));
        });
    }

    /**
     * x (3, 4) -> linear + relu (5) -> linear + tanh without bias (4) -> linear + sigmoid (2) -> mse: the fused
     * Ops.linear(..., f), whose backward recovers f' from the output alone.
     */
    private static Problem fusedLinear() {
        Parameters.Builder p = Parameters.builder().add("x", 3, 4).add("w1", 5, 4).add("b1", 5).add("w2", 4, 5)
                .add("w3", 2, 4).add("b3", 2);
        return new Problem("tape: linear+relu, linear+tanh, linear+sigmoid, mse", p, (tape, w) -> {
            Tensor pre = Ops.linear(tape, w.get("x"), w.get("w1"), w.get("b1")); // only to check the kink
            double[] v = new double[(int) pre.size()];
            tape.backend().copyToHost(pre.value(), v);
            for (double x : v) {
                if (Math.abs(x) < 1e-3) {
                    throw new AssertionError("the test's seed puts a relu input within 1e-3 of its kink: " + x);
                }
            }
            Tensor h1 = Ops.linear(tape, w.get("x"), w.get("w1"), w.get("b1"), Activation.RELU);
            Tensor h2 = Ops.linear(tape, h1, w.get("w2"), null, Activation.TANH);
            Tensor y = Ops.linear(tape, h2, w.get("w3"), w.get("b3"), Activation.SIGMOID);
            return Ops.mse(tape, y, constant(tape, 1, 3, 2));
        });
    }

    /**
     * Ops.gemm over a batch of 2 with padded leading dimensions, gaps between batch entries (or a shared operand
     * of stride 0) and alpha 0.7; C is tightly packed so every output element is written.
     */
    private static Problem gemm(boolean transA, boolean transB, boolean sharedA, boolean sharedB) {
        int m = 2;
        int n = 3;
        int k = 4;
        int batch = 2;
        int lda = (transA ? m : k) + 1;
        int ldb = (transB ? k : n) + 1;
        long strideA = sharedA ? 0 : (long) (transA ? k : m) * lda + 2;
        long strideB = sharedB ? 0 : (long) (transB ? n : k) * ldb + 2;
        GemmSpec spec = new GemmSpec(transA, transB, m, n, k, 0.7, lda, strideA, ldb, strideB, n, (long) m * n,
                batch);
        int lengthA = (int) ((batch - 1) * strideA + (long) ((transA ? k : m) - 1) * lda + (transA ? m : k));
        int lengthB = (int) ((batch - 1) * strideB + (long) ((transB ? n : k) - 1) * ldb + (transB ? k : n));
        Parameters.Builder p = Parameters.builder().add("a", lengthA).add("b", lengthB);
        String name = "tape: gemm " + (transA ? "T" : "N") + (transB ? "T" : "N") + " batched strided"
                + (sharedA ? ", A shared" : "") + (sharedB ? ", B shared" : "") + ", mse";
        return new Problem(name, p, (tape, w) -> {
            Tensor c = Ops.gemm(tape, spec, w.get("a"), w.get("b"), batch, m, n);
            return Ops.mse(tape, c, constant(tape, 2, batch, m, n));
        });
    }

    /** q, k, v (2, 3, 4) -> attention -> mse. */
    private static Problem attention(int heads, boolean causal) {
        Parameters.Builder p = Parameters.builder().add("q", 2, 3, 4).add("k", 2, 3, 4).add("v", 2, 3, 4);
        String name = "tape: attention H=" + heads + (causal ? " causal" : "") + ", mse";
        return new Problem(name, p, (tape, w) -> {
            Tensor out = SequenceOps.attention(tape, w.get("q"), w.get("k"), w.get("v"), heads,
                    1.0 / Math.sqrt(4.0 / heads), causal);
            return Ops.mse(tape, out, constant(tape, 3, 2, 3, 4));
        });
    }

    /** Two GRU steps with linear gate projections; the hidden state feeds both gh and hPrev. */
    private static Problem gru() {
        int hidden = 3;
        Parameters.Builder p = Parameters.builder().add("x", 2, 2).add("h0", 2, hidden)
                .add("wIh", 3 * hidden, 2).add("bIh", 3 * hidden).add("wHh", 3 * hidden, hidden)
                .add("bHh", 3 * hidden);
        return new Problem("tape: linear, gruCell x2, mse", p, (tape, w) -> {
            Tensor h = w.get("h0");
            for (int step = 0; step < 2; step++) {
                Tensor gi = Ops.linear(tape, w.get("x"), w.get("wIh"), w.get("bIh"));
                Tensor gh = Ops.linear(tape, h, w.get("wHh"), w.get("bHh"));
                h = SequenceOps.gruCell(tape, gi, gh, h);
            }
            return Ops.mse(tape, h, constant(tape, 4, 2, hidden));
        });
    }

    /** Two LSTM steps with linear gate projections; the loss reads both h and c. */
    private static Problem lstm() {
        int hidden = 3;
        Parameters.Builder p = Parameters.builder().add("x", 2, 2).add("h0", 2, hidden).add("c0", 2, hidden)
                .add("wIh", 4 * hidden, 2).add("bIh", 4 * hidden).add("wHh", 4 * hidden, hidden)
                .add("bHh", 4 * hidden);
        return new Problem("tape: linear, lstmCell x2, mse, add", p, (tape, w) -> {
            SequenceOps.LstmState state = new SequenceOps.LstmState(w.get("h0"), w.get("c0"));
            for (int step = 0; step < 2; step++) {
                Tensor gi = Ops.linear(tape, w.get("x"), w.get("wIh"), w.get("bIh"));
                Tensor gh = Ops.linear(tape, state.h(), w.get("wHh"), w.get("bHh"));
                state = SequenceOps.lstmCell(tape, gi, gh, state.c());
            }
            return Ops.add(tape, Ops.mse(tape, state.h(), constant(tape, 5, 2, hidden)),
                    Ops.mse(tape, state.c(), constant(tape, 6, 2, hidden)));
        });
    }

    /** concatLast, sliceLast, gatherRows (with a repeated row), mul, add, biasAdd, tanh, sigmoid, mse. */
    private static Problem pointwiseAndLayout() {
        Parameters.Builder p = Parameters.builder().add("a", 2, 3).add("b", 2, 3).add("table", 4, 3).add("bias", 3);
        return new Problem("tape: tanh, sigmoid, concat, slice, gather, mul, add, biasAdd, mse", p, (tape, w) -> {
            Tensor y = Ops.concatLast(tape, List.of(Ops.tanh(tape, w.get("a")), Ops.sigmoid(tape, w.get("b"))));
            Tensor z = Ops.sliceLast(tape, y, 1, 3);
            Buffer index = tape.arena().allocate(DType.INT32, 3);
            tape.backend().copyFromHost(index, new int[] {2, 0, 2});
            Tensor g = Ops.gatherRows(tape, w.get("table"), index, 3);
            Tensor g2 = Ops.sliceLast(tape, Ops.concatLast(tape, List.of(g, g)), 2, 3);
            Tensor rows = Ops.gatherRows(tape, g2, zeroOne(tape), 2);
            Tensor v = Ops.add(tape, Ops.mul(tape, z, rows), Ops.biasAdd(tape, w.get("a"), w.get("bias")));
            return Ops.mse(tape, v, constant(tape, 7, 2, 3));
        });
    }

    private static Buffer zeroOne(Tape tape) {
        Buffer index = tape.arena().allocate(DType.INT32, 2);
        tape.backend().copyFromHost(index, new int[] {0, 1});
        return index;
    }
}

package org.samplex.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.samplex.api.Activation;
import org.samplex.api.Backend;
import org.samplex.api.Buffer;
import org.samplex.api.tape.Arena;
import org.samplex.api.tape.Ops;
import org.samplex.api.tape.Parameters;
import org.samplex.api.tape.Tape;
import org.samplex.api.tape.Tensor;

/**
 * The fused {@code Ops.linear(tape, x, W, b, f)} on the cpu backend gives the same bits as {@code Ops.linear}
 * followed by {@code Ops.activation}: its output and every gradient (x, W, b), at a size that splits across
 * threads, so the learners that use it train exactly as before.
 */
class FusedLinearTest {
    private static final int ROWS = 300;
    private static final int IN = 37;
    private static final int OUT = 70;

    @ParameterizedTest
    @EnumSource(Activation.class)
    void fusedLinearEqualsLinearThenActivationBitForBit(Activation f) {
        try (Backend be = new CpuBackend(2)) {
            float[][] fused = run(be, f, true);
            float[][] composed = run(be, f, false);
            String[] what = {"y", "dx", "dW", "db"};
            for (int i = 0; i < what.length; i++) {
                assertArrayEquals(composed[i], fused[i], what[i] + " of linear+" + f);
            }
        }
    }

    /** y, dx, dW, db (as float arrays) of loss = mse(f(x W^T + b), target). */
    private static float[][] run(Backend be, Activation f, boolean fused) {
        Parameters.Builder pb = Parameters.builder().add("x", ROWS, IN).add("w", OUT, IN).add("b", OUT);
        try (Parameters p = pb.build(be); Arena arena = new Arena(be)) {
            SplittableRandom r = new SplittableRandom(5);
            for (String name : p.names()) {
                Tensor t = p.get(name);
                double[] v = new double[(int) t.size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = r.nextDouble(-1, 1);
                }
                be.copyFromHost(t.value(), v);
            }
            Tape tape = new Tape(be, arena);
            Tensor y = fused ? Ops.linear(tape, p.get("x"), p.get("w"), p.get("b"), f)
                    : Ops.activation(tape, f, Ops.linear(tape, p.get("x"), p.get("w"), p.get("b")));
            Tensor target = TapeProblems.constant(tape, 9, ROWS, OUT);
            p.zeroGrad();
            tape.backward(Ops.mse(tape, y, target));
            return new float[][] {floats(be, y.value()), floats(be, p.get("x").gradOrNull()), floats(be, p.get("w").gradOrNull()),
                floats(be, p.get("b").gradOrNull())};
        }
    }

    private static float[] floats(Backend be, Buffer b) {
        double[] d = new double[(int) b.length()];
        be.copyToHost(b, d);
        float[] out = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = (float) d[i];
        }
        return out;
    }
}

package org.samplex.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.samplex.api.Activation;
import org.samplex.api.Backend;
import org.samplex.api.BackendOptions;
import org.samplex.api.Buffer;
import org.samplex.api.tape.Arena;
import org.samplex.api.tape.Ops;
import org.samplex.api.tape.Parameters;
import org.samplex.api.tape.Tape;
import org.samplex.api.tape.Tensor;

/**
 * The ops of packed models (Parameters.pack; linear, fused linear, biasAdd and the per-run mse): their backward
 * against finite differences on the reference, and each run's loss and gradients packed against the same run
 * alone, bit for bit, on the reference and the cpu backend at 1 and 3 threads.
 */
class PackedOpsTest {
    private static final int RUNS = 3;
    private static final int ROWS = 5;

    /** x (5, 6) -> linear+tanh (7) -> linear (4) -> biasAdd -> linear+relu without bias (3) -> mse per run. */
    private static Parameters.Builder layout() {
        return Parameters.builder().add("w1", 7, 6).add("b1", 7).add("w2", 4, 7).add("b2", 4).add("b3", 4)
                .add("w3", 3, 4);
    }

    /** The loss of {@code runs} runs whose inputs and targets are the rows of x and target, run after run. */
    private static Tensor loss(Tape tape, Parameters p, Tensor x, Tensor target, int runs) {
        Tensor h = Ops.linear(tape, x, p.get("w1"), p.get("b1"), Activation.TANH);          // (R 5, 7)
        Tensor y = Ops.linear(tape, h, p.get("w2"), p.get("b2"));                           // (R 5, 4)
        Tensor z = Ops.biasAdd(tape, y, p.get("b3"));                                       // (R 5, 4)
        Tensor out = Ops.linear(tape, z, p.get("w3"), null, Activation.RELU);               // (R 5, 3)
        return Ops.mse(tape, out, target, runs);                                            // (R)
    }

    private static double[] random(long seed, int n) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int e = 0; e < n; e++) {
            v[e] = random.nextDouble(-1, 1);
        }
        return v;
    }

    private static Tensor constant(Backend be, Arena arena, double[] values, int... shape) {
        Buffer b = arena.allocate(values.length);
        be.copyFromHost(b, values);
        return Tensor.constant(b, shape);
    }

    /** Runs' parameters, inputs and targets, run r's drawn from seed r. */
    private record Data(List<double[]> values, List<double[]> inputs, List<double[]> targets) {
        static Data draw(long count) {
            List<double[]> v = new ArrayList<>();
            List<double[]> in = new ArrayList<>();
            List<double[]> t = new ArrayList<>();
            for (int r = 0; r < RUNS; r++) {
                v.add(random(100 + r, (int) count));
                in.add(random(200 + r, ROWS * 6));
                t.add(random(300 + r, ROWS * 3));
            }
            return new Data(v, in, t);
        }

        double[] joined(List<double[]> parts) {
            return parts.stream().flatMapToDouble(java.util.Arrays::stream).toArray();
        }
    }

    /** Per run: its loss, then its gradient, computed alone. */
    private static List<double[]> alone(Backend be, Data data) {
        List<double[]> out = new ArrayList<>();
        for (int r = 0; r < RUNS; r++) {
            try (Parameters p = layout().build(be); Arena arena = new Arena(be)) {
                be.copyFromHost(p.values(), data.values().get(r));
                Tape tape = new Tape(be, arena);
                Tensor l = loss(tape, p, constant(be, arena, data.inputs().get(r), ROWS, 6),
                        constant(be, arena, data.targets().get(r), ROWS, 3), 1);
                p.zeroGrad();
                tape.backward(l);
                double[] value = new double[1];
                be.copyToHost(l.value(), value);
                out.add(value);
                out.add(p.gradsToHost());
            }
        }
        return out;
    }

    /** Per run: its loss, then its gradient, computed in one pack of all runs. */
    private static List<double[]> packed(Backend be, Data data) {
        List<double[]> out = new ArrayList<>();
        try (Parameters one = layout().build(be);
             Parameters p = Parameters.pack(java.util.Collections.nCopies(RUNS, one));
             Arena arena = new Arena(be)) {
            be.copyFromHost(p.values(), data.joined(data.values()));
            Tape tape = new Tape(be, arena);
            Tensor l = loss(tape, p, constant(be, arena, data.joined(data.inputs()), RUNS * ROWS, 6),
                    constant(be, arena, data.joined(data.targets()), RUNS * ROWS, 3), RUNS);
            p.zeroGrad();
            tape.backward(l);
            double[] losses = new double[RUNS];
            be.copyToHost(l.value(), losses);
            double[] grads = p.gradsToHost();
            int count = (int) p.count();
            for (int r = 0; r < RUNS; r++) {
                out.add(new double[]{losses[r]});
                out.add(java.util.Arrays.copyOfRange(grads, r * count, (r + 1) * count));
            }
        }
        return out;
    }

    private static void assertSameBits(List<double[]> alone, List<double[]> packed, String where) {
        assertEquals(alone.size(), packed.size());
        for (int i = 0; i < alone.size(); i++) {
            assertArrayEquals(alone.get(i), packed.get(i), 0.0, where + ": run " + i / 2
                    + (i % 2 == 0 ? " loss" : " gradient"));
        }
    }

    @Test
    void eachRunOfAPackGetsTheLossAndGradientsItGetsAloneBitForBitOnTheReference() {
        try (Backend be = new ReferenceBackend()) {
            Data data = Data.draw(layoutCount(be));
            assertSameBits(alone(be, data), packed(be, data), "reference");
        }
    }

    @Test
    void eachRunOfAPackGetsTheLossAndGradientsItGetsAloneBitForBitOnTheCpuAtOneAndThreeThreads() {
        for (int threads : new int[]{1, 3}) {
            try (Backend be = new CpuBackendProvider().open(BackendOptions.threads(threads))) {
                Data data = Data.draw(layoutCount(be));
                assertSameBits(alone(be, data), packed(be, data), "cpu, " + threads + " threads");
            }
        }
    }

    @Test
    void thePackedBackwardMatchesFiniteDifferencesOfTheSumOfTheRunsLosses() {
        try (Backend be = new ReferenceBackend();
             Parameters one = layout().build(be);
             Parameters p = Parameters.pack(java.util.Collections.nCopies(RUNS, one));
             Arena arena = new Arena(be);
             Arena steps = new Arena(be)) {
            Data data = Data.draw(p.count());
            double[] values = data.joined(data.values());
            Tensor x = constant(be, arena, data.joined(data.inputs()), RUNS * ROWS, 6);
            Tensor target = constant(be, arena, data.joined(data.targets()), RUNS * ROWS, 3);
            be.copyFromHost(p.values(), values);
            Tape tape = new Tape(be, steps);
            p.zeroGrad();
            tape.backward(loss(tape, p, x, target, RUNS));
            double[] analytic = p.gradsToHost();
            double worst = 0;
            for (int e = 0; e < values.length; e++) {
                double x0 = values[e];
                values[e] = x0 + GradientCheckTest.H;
                double plus = sumOfLosses(be, p, values, x, target);
                double xPlus = values[e];
                values[e] = x0 - GradientCheckTest.H;
                double minus = sumOfLosses(be, p, values, x, target);
                double numeric = (plus - minus) / (xPlus - values[e]);
                values[e] = x0;
                worst = Math.max(worst, GradientCheckTest.relativeError(analytic[e], numeric));
            }
            assertTrue(worst < GradientCheckTest.THRESHOLD, "max relative error " + worst);
        }
    }

    private static double sumOfLosses(Backend be, Parameters p, double[] values, Tensor x, Tensor target) {
        be.copyFromHost(p.values(), values);
        try (Arena arena = new Arena(be)) {
            Tape tape = new Tape(be, arena).gradEnabled(false);
            double[] losses = new double[RUNS];
            be.copyToHost(loss(tape, p, x, target, RUNS).value(), losses);
            return java.util.Arrays.stream(losses).sum();
        }
    }

    @Test
    void aPackedParameterIsRefusedByAnOpThatTakesNone() {
        try (Backend be = new ReferenceBackend();
             Parameters one = layout().build(be);
             Parameters p = Parameters.pack(List.of(one, one));
             Arena arena = new Arena(be)) {
            Tape tape = new Tape(be, arena);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Ops.tanh(tape, p.get("b1")));
            assertTrue(e.getMessage().contains("only linear and biasAdd"), e.getMessage());
            Tensor x = constant(be, arena, random(1, 7 * 6), 7, 6);
            e = assertThrows(IllegalArgumentException.class, () -> Ops.linear(tape, x, p.get("w1"), p.get("b1")));
            assertTrue(e.getMessage().contains("must hold 2 runs' rows"), e.getMessage());
        }
    }

    private static long layoutCount(Backend be) {
        try (Parameters p = layout().build(be)) {
            return p.count();
        }
    }
}

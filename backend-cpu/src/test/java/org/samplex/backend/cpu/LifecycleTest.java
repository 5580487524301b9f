package org.samplex.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.samplex.api.Activation;
import org.samplex.api.Backend;
import org.samplex.api.Buffer;
import org.samplex.api.DType;
import org.samplex.api.learn.AdamW;
import org.samplex.api.learn.AdamWConfig;
import org.samplex.api.rng.RngStream;
import org.samplex.api.tape.Arena;
import org.samplex.api.tape.Ops;
import org.samplex.api.tape.Parameters;
import org.samplex.api.tape.Tape;
import org.samplex.api.tape.Tensor;
import org.samplex.testkit.Fixtures;

/** Ownership and lifetimes on both host backends: closing, use after close, leaks, argument errors. */
class LifecycleTest {

    static Stream<String> backends() {
        return Stream.of("reference", "cpu");
    }

    private static Backend open(String name) {
        return Fixtures.open(name);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void closingTwiceIsANoOp(String name) {
        Backend be = open(name);
        Buffer root = be.allocate(8);
        Buffer view = root.slice(2, 3);
        view.close();
        view.close();
        assertFalse(root.isClosed(), "closing a view leaves its root open");
        be.fill(view, 1.0);
        root.close();
        root.close();
        assertTrue(root.isClosed());
        assertTrue(view.isClosed(), "a view shares its root's lifetime");
        be.close();
        be.close();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aClosedBufferRefusesUse(String name) {
        try (Backend be = open(name)) {
            Buffer root = be.allocate(8);
            Buffer view = root.slice(1, 4);
            Buffer open = be.allocate(4);
            root.close();
            assertThrows(IllegalStateException.class, () -> be.fill(root, 1.0));
            assertThrows(IllegalStateException.class, () -> be.copyToHost(root, new double[8]));
            assertThrows(IllegalStateException.class, () -> be.copyFromHost(view, new double[4]));
            assertThrows(IllegalStateException.class, () -> root.slice(0, 2), "a slice of a closed root");
            assertThrows(IllegalStateException.class, () -> view.slice(0, 1), "a slice of a view of a closed root");
            assertThrows(IllegalStateException.class, () -> be.activationForward(Activation.RELU, open, view, 4));
            assertThrows(IllegalStateException.class, () -> be.addForward(open, open, view, 4));
            be.fill(open, 2.0);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aClosedBackendReleasesItsBuffersAndRefusesWork(String name) {
        Backend be = open(name);
        Buffer floats = be.allocate(4);
        Buffer ints = be.allocate(DType.INT32, 3);
        be.close();
        assertTrue(floats.isClosed() && ints.isClosed(), "closing the backend closes buffers still open");
        assertThrows(IllegalStateException.class, () -> be.allocate(4));
        assertThrows(IllegalStateException.class, () -> be.fill(floats, 0.0));
        assertThrows(IllegalStateException.class, () -> floats.slice(0, 1));
    }

    @ParameterizedTest
    @MethodSource("backends")
    void liveCountsFollowRootsNotViews(String name) {
        try (Backend be = open(name)) {
            long buffers = be.liveBuffers();
            long bytes = be.liveBytes();
            Buffer a = be.allocate(10);
            Buffer i = be.allocate(DType.INT32, 6);
            assertEquals(buffers + 2, be.liveBuffers());
            assertEquals(bytes + 10L * be.dtype().bytes() + 6L * 4, be.liveBytes());
            a.slice(0, 5).close();
            assertEquals(buffers + 2, be.liveBuffers());
            a.close();
            i.close();
            assertEquals(buffers, be.liveBuffers());
            assertEquals(bytes, be.liveBytes());
        }
    }

    /** A 2-layer ReLU MLP regressing a fixed batch: the training step a learner runs. */
    private record Net(Parameters params, Buffer x, Buffer target, int batch, int in, int out)
            implements AutoCloseable {

        static Net create(Backend be, int batch, int in, int hidden, int out) {
            Parameters p = Parameters.builder().add("w1", hidden, in).add("b1", hidden).add("w2", out, hidden)
                    .add("b2", out).build(be);
            RngStream init = RngStream.of(11, "init");
            p.initializeUniform("w1", 1 / Math.sqrt(in), init);
            p.initializeUniform("b1", 1 / Math.sqrt(in), init);
            p.initializeUniform("w2", 1 / Math.sqrt(hidden), init);
            p.initializeUniform("b2", 1 / Math.sqrt(hidden), init);
            Buffer x = be.allocate((long) batch * in);
            Buffer target = be.allocate((long) batch * out);
            RngStream data = RngStream.of(11, "train");
            be.fillNormal(x, data, 0, 0, 1);
            be.fillUniform(target, data, 1, -1, 1);
            return new Net(p, x, target, batch, in, out);
        }

        /** Forward, backward and one AdamW update; returns the loss before the update. */
        double step(Tape tape, AdamW optimizer) {
            params.zeroGrad();
            Tensor h = Ops.relu(tape, Ops.linear(tape, Tensor.constant(x, batch, in), params.get("w1"),
                    params.get("b1")));
            Tensor y = Ops.linear(tape, h, params.get("w2"), params.get("b2"));
            Tensor loss = Ops.mse(tape, y, Tensor.constant(target, batch, out));
            tape.backward(loss);
            optimizer.step(params);
            double[] value = new double[1];
            tape.backend().copyToHost(loss.value(), value);
            return value[0];
        }

        @Override
        public void close() {
            params.close();
            x.close();
            target.close();
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aTrainingStepReleasesEverythingItAllocated(String name) {
        try (Backend be = open(name)) {
            long buffers = be.liveBuffers();
            long bytes = be.liveBytes();
            Net net = Net.create(be, 8, 4, 16, 2);
            Arena arena = new Arena(be);
            double[] before = net.params().valuesToHost();
            double loss = net.step(new Tape(be, arena), new AdamW(AdamWConfig.paper()));
            assertTrue(Double.isFinite(loss) && loss > 0, "loss " + loss);
            assertFalse(Arrays.equals(before, net.params().valuesToHost()), "the step changed the parameters");
            assertTrue(be.liveBuffers() > buffers);
            arena.close();
            net.close();
            assertEquals(buffers, be.liveBuffers(), "root buffers after closing arena and parameters");
            assertEquals(bytes, be.liveBytes(), "bytes after closing arena and parameters");
        }
    }

    /**
     * With one tape (and arena) reset per step, the backend allocates nothing from the second step on. The batch
     * is large enough that the first step outgrows the arena's first chunk, so the high-water reset is exercised.
     */
    @ParameterizedTest
    @MethodSource("backends")
    void twentyStepsDoNotGrowTheLiveBuffers(String name) {
        try (Backend be = open(name); Net net = Net.create(be, 256, 8, 64, 4); Arena arena = new Arena(be)) {
            Tape tape = new Tape(be, arena);
            AdamW optimizer = new AdamW(new AdamWConfig(1e-2, 0.9, 0.999, 1e-8, 0.0));
            List<Double> losses = new ArrayList<>();
            long afterSecond = -1;
            long capacity = -1;
            for (int step = 1; step <= 20; step++) {
                tape.reset();
                losses.add(net.step(tape, optimizer));
                if (step == 2) {
                    afterSecond = be.liveBuffers();
                    capacity = arena.capacity();
                } else if (step > 2) {
                    assertEquals(afterSecond, be.liveBuffers(), "live buffers after step " + step);
                    assertEquals(capacity, arena.capacity(), "arena capacity after step " + step);
                }
            }
            assertTrue(capacity > 1 << 16, "the step outgrew the first chunk: " + capacity);
            assertTrue(losses.getLast() < losses.getFirst(), "20 AdamW steps on one batch lower the loss: " + losses);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void wrongSizesNameTheArgument(String name) {
        try (Backend be = open(name); Backend other = open(name)) {
            Buffer four = be.allocate(4);
            Buffer six = be.allocate(6);
            Buffer eight = be.allocate(8);
            Buffer twelve = be.allocate(12);
            Buffer big = be.allocate(64);
            Buffer ints = be.allocate(DType.INT32, 4);
            Buffer foreign = other.allocate(4);
            // (2, 4) x (4, 3) into a C of 4 elements instead of 6
            names("c", () -> be.gemm(false, false, 2, 3, 4, 1.0, eight, twelve, 0.0, four));
            names("a", () -> be.gemm(false, false, 2, 3, 4, 1.0, six, twelve, 0.0, six));
            names("b", () -> be.gemm(false, false, 2, 3, 4, 1.0, eight, eight, 0.0, six));
            names("bias", () -> be.biasAddForward(six, six, four.slice(0, 2), 2, 3));
            names("dBias", () -> be.biasAddBackward(null, four.slice(0, 2), six, 2, 3));
            names("bias", () -> be.biasActivationForward(Activation.TANH, six, six, four.slice(0, 2), 2, 3));
            names("out", () -> be.biasActivationForward(Activation.RELU, four, six, four.slice(0, 3), 2, 3));
            names("f", () -> be.biasActivationForward(null, six, six, four.slice(0, 3), 2, 3));
            names("lse", () -> be.attentionForward(big.slice(0, 24), four.slice(0, 3), big.slice(24, 24),
                    big.slice(48, 16).slice(0, 16), twelve, 1, 2, 2, 3, 1.0, false));
            names("gates", () -> be.gruCellForward(four.slice(0, 2), four, six, six, four.slice(0, 2), 1, 2));
            names("cPrev", () -> be.lstmCellForward(four.slice(0, 2), four.slice(2, 2), eight, eight, eight,
                    four.slice(0, 1), 1, 2));
            names("target", () -> be.mseForward(four.slice(0, 1), six, four, 6));
            names("v", () -> be.adamwUpdate(six, six, six, four, 6, 1e-3, 0.9, 0.999, 1e-8, 0.0, 1));
            names("index", () -> be.gatherRowsForward(six, twelve, four, 2, 3));
            names("index", () -> be.gatherRowsForward(six, twelve, ints.slice(0, 1), 2, 3));
            names("parts", () -> be.concatLastForward(twelve, List.of(six, four), 3, new int[] {2, 2}));
            names("out", () -> be.sliceLastForward(four, twelve, 3, 4, 1, 2));
            names("dst", () -> be.copyFromHost(four, new double[5]));
            names("dst", () -> be.fill(foreign, 1.0));
            names("dst", () -> be.fillUniformInt(four, RngStream.of(1, "test"), 0, 3));
        }
    }

    /** The call throws IllegalArgumentException whose message contains the argument's name as a word. */
    private static void names(String argument, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call, argument);
        Pattern word = Pattern.compile("(?<![A-Za-z])" + Pattern.quote(argument) + "(?![A-Za-z])");
        assertTrue(word.matcher(String.valueOf(e.getMessage())).find(),
                "the message should name '" + argument + "': " + e.getMessage());
    }
}

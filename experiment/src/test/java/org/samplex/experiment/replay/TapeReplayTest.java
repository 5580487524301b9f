package org.samplex.experiment.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.samplex.api.Backend;
import org.samplex.api.BackendOptions;
import org.samplex.api.learn.Batch;
import org.samplex.api.learn.Learner;
import org.samplex.api.learn.LearnerProvider;
import org.samplex.api.learn.Task;
import org.samplex.api.learn.TaskProvider;
import org.samplex.api.rng.RngStream;
import org.samplex.api.tape.Arena;
import org.samplex.api.tape.Ops;
import org.samplex.api.tape.Tape;
import org.samplex.api.tape.Tensor;
import org.samplex.experiment.RunSpec;
import org.samplex.experiment.TrainingSession;

/** Tape capture and replay on the shipped learners: what a replay computes, and how misuse fails. */
class TapeReplayTest {
    private static final RngStream TRAIN = RngStream.of(5, "train");

    /** The learner and task of {@link RealLearners#spec}, created from the resolved spec. */
    private record Setup(Task task, Learner learner) implements AutoCloseable {
        static Setup of(String name, Backend backend) {
            RunSpec spec = RealLearners.spec(name, backend.name()).build();
            LearnerProvider lp = RealLearners.SERVICES.learner(name);
            TaskProvider tp = RealLearners.SERVICES.task("qstr");
            TrainingSession.Setup s = TrainingSession.setUp(spec, lp, tp);
            return new Setup(s.task(), lp.create(s.task().shape(), s.learnerConfig(), backend, 3));
        }

        @Override
        public void close() {
            learner.close();
        }
    }

    private static Backend reference() {
        return RealLearners.SERVICES.backend("reference").open(BackendOptions.threads(1));
    }

    private static double value(Backend be, Tensor t) {
        double[] out = new double[1];
        be.copyToHost(t.value(), out);
        return out[0];
    }

    private static long[] bits(double[] values) {
        return Arrays.stream(values).mapToLong(Double::doubleToRawLongBits).toArray();
    }

    @ParameterizedTest
    @ValueSource(strings = {"transformer", "mlp", "gru", "lstm", "rnn", "mamba", "mingru"})
    void aReplayComputesWhatAFreshTapeComputesOnTheNewInputs(String name) {
        try (Backend be = reference(); Setup setup = Setup.of(name, be); Arena arena = new Arena(be);
             Arena freshArena = new Arena(be)) {
            Learner learner = setup.learner();
            Tape tape = new Tape(be, arena);
            Batch batch = setup.task().batch(be, arena, Task.Split.TRAIN, TRAIN, 0, 8);
            tape.beginCapture();
            Tensor loss = Ops.mse(tape, learner.forward(tape, batch.input()), batch.labels());
            learner.parameters().zeroGrad();
            Tape.Graph graph = tape.endCapture(loss);
            assertEquals(tape.ops(), graph.ops());
            long computing = graph.ops().stream().filter(op -> !op.equals("reshape")).count();
            assertTrue(graph.forwardKernels() >= computing, "every op but a reshape (a view) has a forward kernel");
            double[] capturedGrads = learner.parameters().gradsToHost();

            // the same step on a fresh tape, on prompts [8, 16)
            Tape fresh = new Tape(be, freshArena);
            Batch next = setup.task().batch(be, freshArena, Task.Split.TRAIN, TRAIN, 8, 8);
            Tensor freshLoss = Ops.mse(fresh, learner.forward(fresh, next.input()), next.labels());
            learner.parameters().zeroGrad();
            fresh.backward(freshLoss);
            double[] freshGrads = learner.parameters().gradsToHost();

            setup.task().refill(be, batch, Task.Split.TRAIN, TRAIN, 8);
            for (int replay = 0; replay < 2; replay++) {
                learner.parameters().zeroGrad();
                graph.replay();
                assertEquals(Double.doubleToRawLongBits(value(be, freshLoss)),
                        Double.doubleToRawLongBits(value(be, graph.loss())), "replay " + replay + ": the loss");
                // a second replay gives the same gradients only if the tape's own gradients were zeroed again
                assertArrayEquals(bits(freshGrads), bits(learner.parameters().gradsToHost()),
                        "replay " + replay + ": the parameter gradients");
            }
            assertFalse(Arrays.equals(capturedGrads, freshGrads), "other prompts, other gradients");
        }
    }

    @Test
    void aGraphDiesWithItsArenasGeneration() {
        try (Backend be = reference(); Setup setup = Setup.of("gru", be); Arena arena = new Arena(be)) {
            Learner learner = setup.learner();
            Tape tape = new Tape(be, arena);
            Batch batch = setup.task().batch(be, arena, Task.Split.TRAIN, TRAIN, 0, 4);
            tape.beginCapture();
            Tape.Graph graph = tape.endCapture(Ops.mse(tape, learner.forward(tape, batch.input()), batch.labels()));
            assertTrue(graph.valid());
            arena.allocate(1000); // allocating more is fine: the captured slices stay untouched
            graph.replay();

            tape.reset();
            assertFalse(graph.valid());
            var reset = assertThrows(IllegalStateException.class, graph::replay);
            assertTrue(reset.getMessage().contains("reset or closed"), reset.getMessage());

            batch = setup.task().batch(be, arena, Task.Split.TRAIN, TRAIN, 0, 4);
            tape.beginCapture();
            Tensor loss = Ops.mse(tape, learner.forward(tape, batch.input()), batch.labels());
            Tape.Graph second = tape.endCapture(loss);
            second.replay();
            arena.close();
            assertThrows(IllegalStateException.class, second::replay, "a closed arena's graph cannot replay");
        }
    }

    @Test
    void misuseOfTheCaptureFailsLoudly() {
        try (Backend be = reference(); Setup setup = Setup.of("mlp", be); Arena arena = new Arena(be)) {
            Learner learner = setup.learner();
            Tape tape = new Tape(be, arena);
            Batch batch = setup.task().batch(be, arena, Task.Split.TRAIN, TRAIN, 0, 4);
            Tensor noCaptureYet = Ops.mse(tape, learner.forward(tape, batch.input()), batch.labels());
            assertThrows(IllegalStateException.class, () -> tape.endCapture(noCaptureYet), "no capture begun");
            var notEmpty = assertThrows(IllegalStateException.class, tape::beginCapture);
            assertTrue(notEmpty.getMessage().contains("reset it first"), notEmpty.getMessage());

            tape.reset();
            batch = setup.task().batch(be, arena, Task.Split.TRAIN, TRAIN, 0, 4);
            tape.beginCapture();
            assertTrue(tape.capturing());
            assertThrows(IllegalStateException.class, tape::beginCapture, "one capture at a time");
            Tensor loss = Ops.mse(tape, learner.forward(tape, batch.input()), batch.labels());
            var backward = assertThrows(IllegalStateException.class, () -> tape.backward(loss));
            assertTrue(backward.getMessage().contains("endCapture"), backward.getMessage());
            tape.endCapture(loss);
            assertFalse(tape.capturing());

            tape.reset();
            tape.beginCapture();
            Tensor again = Ops.mse(tape, learner.forward(tape, batch.input()), batch.labels());
            arena.reset();
            var resetDuring = assertThrows(IllegalStateException.class, () -> tape.endCapture(again));
            assertTrue(resetDuring.getMessage().contains("during the capture"), resetDuring.getMessage());
            assertFalse(tape.capturing(), "a failed endCapture ends the capture");

            tape.reset();
            Batch b = setup.task().batch(be, arena, Task.Split.TRAIN, TRAIN, 0, 4);
            tape.gradEnabled(false);
            tape.beginCapture();
            Tensor noGrad = Ops.mse(tape, learner.forward(tape, b.input()), b.labels());
            assertThrows(IllegalStateException.class, () -> tape.endCapture(noGrad), "nothing to differentiate");
        }
    }
}

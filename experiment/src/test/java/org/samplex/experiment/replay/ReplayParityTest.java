package org.samplex.experiment.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.samplex.api.Backend;
import org.samplex.api.BackendOptions;
import org.samplex.api.learn.TaskProvider;
import org.samplex.experiment.OnlineProtocol;
import org.samplex.experiment.ProgressListener;
import org.samplex.experiment.RunRecord;
import org.samplex.experiment.RunSpec;

/**
 * A replayed run is the run: the protocol trains a replayable learner by capturing its first step and replaying
 * it, and the record and the final parameters are bit for bit those of the same learner run afresh every step.
 */
class ReplayParityTest {

    static Stream<Arguments> cases() {
        return Stream.of("transformer", "mlp", "gru", "lstm", "rnn", "mamba", "mingru")
                .flatMap(l -> Stream.of("reference", "cpu").flatMap(b -> Stream.of(
                        Arguments.of(l, b, null, false), Arguments.of(l, b, 20L, false), Arguments.of(l, b, 5L, false),
                        Arguments.of(l, b, 20L, true))));
    }

    @ParameterizedTest(name = "{0} on {1}, train set {2}, shuffled {3}")
    @MethodSource("cases")
    void aReplayedRunIsBitIdenticalToARunAfresh(String learner, String backendName, Long trainSet, boolean shuffle) {
        RunSpec spec = RealLearners.spec(learner, backendName).trainSet(trainSet).shuffle(shuffle).build();
        TaskProvider qstr = RealLearners.SERVICES.task("qstr");
        RealLearners.Recording replayed = new RealLearners.Recording(learner, true);
        RealLearners.Recording afresh = new RealLearners.Recording(learner, false);
        RunRecord a;
        RunRecord b;
        try (Backend be = RealLearners.SERVICES.backend(backendName).open(BackendOptions.threads(2))) {
            a = OnlineProtocol.run(spec, replayed, qstr, be, ProgressListener.NONE);
            b = OnlineProtocol.run(spec, afresh, qstr, be, ProgressListener.NONE);
            assertEquals(0, be.liveBuffers(), "both runs close what they allocated");
        }
        assertTrue(replayed.delegateReplayable, learner + " opts in to replay");
        assertEquals(1, replayed.trainingForwards, "the replayed run captures its first step and replays it");
        assertEquals(30, afresh.trainingForwards, "the other runs forward every step");

        assertEquals(30, a.steps());
        assertEquals(b.status(), a.status());
        assertEquals(b.steps(), a.steps());
        assertEquals(b.crossings(), a.crossings());
        assertEquals(6, a.curve().size());
        for (int i = 0; i < a.curve().size(); i++) {
            var x = a.curve().get(i);
            var y = b.curve().get(i);
            assertEquals(y.step(), x.step());
            assertEquals(Double.doubleToRawLongBits(y.trainLoss()), Double.doubleToRawLongBits(x.trainLoss()),
                    "train loss at check " + i + ": " + x.trainLoss() + " vs " + y.trainLoss());
            assertEquals(Double.doubleToRawLongBits(y.testMse()), Double.doubleToRawLongBits(x.testMse()),
                    "test MSE at check " + i + ": " + x.testMse() + " vs " + y.testMse());
        }
        assertArrayEquals(bits(afresh.finalValues), bits(replayed.finalValues), "final parameters, bit for bit");
        assertNotEquals(a.curve().getFirst().testMse(), a.curve().getLast().testMse(), "training moved the error");
    }

    private static long[] bits(double[] values) {
        return Arrays.stream(values).mapToLong(Double::doubleToRawLongBits).toArray();
    }
}

package org.samplex.models.rnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.samplex.testkit.Fixtures.TINY;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.samplex.api.Backend;
import org.samplex.api.learn.Learner;
import org.samplex.api.learn.TaskShape;
import org.samplex.testkit.Fixtures;
import org.samplex.testkit.conformance.LearnerChecks;

/**
 * What the recurrent learners compute: PyTorch's equations, gradients that match finite differences, the same
 * training trajectory on the cpu and reference backends, and a readout that sees both directions.
 */
class RecurrentBehaviourTest {
    private static final int BATCH = 2;

    @ParameterizedTest(name = "{0} bidirectional={1}")
    @CsvSource({"gru,true", "gru,false", "lstm,true", "tanh,true", "relu,true", "relu,false"})
    void forwardMatchesPyTorchEquations(String variant, boolean bidirectional) {
        TaskShape shape = new TaskShape(4, 3, 2, 1);
        int hidden = 5;
        int batch = 3;
        double[] x = LearnerChecks.Data.random(shape, batch, new SplittableRandom(4)).input();
        try (Backend be = Fixtures.open("reference");
             Learner m = RnnTesting.provider(variant).create(shape, RnnTesting.config(variant, hidden, bidirectional),
                     be, 8)) {
            double[] expected = new HostRecurrent(variant, m.parameters(), hidden, bidirectional)
                    .predict(x, batch, shape.positions(), shape.inputWidth());
            double[] actual = Fixtures.predict(m, be, shape, x, batch);
            assertArrayEquals(expected, actual, 1e-12);
        }
    }

    @ParameterizedTest(name = "{0} bidirectional={1}")
    @CsvSource({"gru,true", "tanh,true", "relu,true", "lstm,true", "gru,false", "lstm,false"})
    void wholeModelGradientMatchesFiniteDifferences(String variant, boolean bidirectional) {
        double worst = LearnerChecks.maxGradientError(RnnTesting.provider(variant), TINY,
                RnnTesting.config(variant, 3, bidirectional), BATCH, 11);
        assertTrue(worst < 1e-6, "max relative error " + worst);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gru", "tanh", "relu", "lstm"})
    void cpuMatchesReferenceAfterThreeAdamWSteps(String variant) {
        // sizes past the cpu kernels' vector width, so their blocked paths run
        TaskShape shape = new TaskShape(5, 8, 4, 1);
        var config = RnnTesting.config(variant, 16, true);
        var provider = RnnTesting.provider(variant);
        var ref = LearnerChecks.afterSteps("reference", 1, provider, shape, config, 4, 3, 5);
        var cpu = LearnerChecks.afterSteps("cpu", 2, provider, shape, config, 4, 3, 5);
        // float32 rounding (u = 6e-8) over sums of a few dozen terms and 5 recurrent steps gives ~1e-6 relative
        // error; Adam's normalization can amplify it where a gradient is near 0 (a wrong kernel gives O(1)).
        assertEquals(ref.loss(), cpu.loss(), 1e-4 * ref.loss());
        double diff = LearnerChecks.relativeDifference(cpu.grads(), ref.grads());
        assertTrue(diff < 1e-4, "relative gradient difference " + diff);
    }

    @Test
    void onlyTheBidirectionalModelLetsTheLastTokenReachTheFirstPrediction() {
        TaskShape shape = new TaskShape(5, 4, 2, 1);
        int batch = 3;
        double[] x = LearnerChecks.Data.random(shape, batch, new SplittableRandom(6)).input();
        double[] changed = x.clone();
        int n = shape.positions();
        int d = shape.inputWidth();
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < d; j++) {
                changed[(b * n + n - 1) * d + j] += 0.5; // the last token only
            }
        }
        for (boolean bidirectional : new boolean[] {true, false}) {
            try (Backend be = Fixtures.open("reference");
                 Learner m = RnnTesting.provider("gru").create(shape, RnnTesting.config("gru", 6, bidirectional),
                         be, 2)) {
                double[] before = Fixtures.predict(m, be, shape, x, batch);
                double[] after = Fixtures.predict(m, be, shape, changed, batch);
                for (int b = 0; b < batch; b++) {
                    double first = Math.abs(after[b * n] - before[b * n]);
                    double last = Math.abs(after[b * n + n - 1] - before[b * n + n - 1]);
                    assertTrue(last > 1e-6, "the last prediction sees its own token (bidirectional="
                            + bidirectional + ")");
                    if (bidirectional) {
                        assertTrue(first > 1e-9, "position 0 sees the last token through the reverse scan: " + first);
                    } else {
                        assertEquals(0.0, first, "a forward-only scan cannot see a later token");
                    }
                }
            }
        }
    }
}

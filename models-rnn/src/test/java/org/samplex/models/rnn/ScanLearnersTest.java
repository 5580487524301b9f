package org.samplex.models.rnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.samplex.api.Backend;
import org.samplex.api.Services;
import org.samplex.api.config.Config;
import org.samplex.api.learn.Learner;
import org.samplex.api.learn.LearnerProvider;
import org.samplex.api.learn.TaskShape;
import org.samplex.testkit.Fixtures;
import org.samplex.testkit.conformance.LearnerChecks;

/**
 * The scan learners {@code mamba} and {@code mingru}: their forward against the equations written out position by
 * position ({@link HostScan}), gradients against finite differences, cpu against reference after AdamW steps,
 * which positions a prediction can see, Mamba's initialization, parameter counts and option errors.
 */
class ScanLearnersTest {
    private static final TaskShape TINY = new TaskShape(4, 3, 2, 1);

    static LearnerProvider provider(String name) {
        return Services.discover().learner(name);
    }

    /** mamba: width, expand, state, layers; mingru: hidden, layers (the rest ignored). */
    static Config config(String name, int size, int layers, boolean bidirectional) {
        Map<String, Object> v = new HashMap<>(Map.of("layers", layers, "bidirectional", bidirectional));
        if (name.equals("mamba")) {
            v.putAll(Map.of("width", size, "expand", 2, "state", 3));
        } else {
            v.put("hidden", size);
        }
        return provider(name).schema().validate(v);
    }

    @ParameterizedTest(name = "{0} layers={1} bidirectional={2}")
    @CsvSource({"mamba,1,true", "mamba,2,false", "mingru,1,true", "mingru,2,true", "mingru,1,false"})
    void forwardMatchesTheEquationsPositionByPosition(String name, int layers, boolean bidirectional) {
        TaskShape shape = new TaskShape(6, 3, 2, 1); // N = 6 > the convolution's width 4
        int batch = 2;
        double[] x = LearnerChecks.Data.random(shape, batch, new SplittableRandom(4)).input();
        try (Backend be = Fixtures.open("reference");
             Learner m = provider(name).create(shape, config(name, 3, layers, bidirectional), be, 8)) {
            double[] expected = new HostScan(name, m.parameters(), layers, bidirectional)
                    .predict(x, batch, shape.positions(), shape.inputWidth());
            assertArrayEquals(expected, Fixtures.predict(m, be, shape, x, batch), 1e-12);
        }
    }

    @ParameterizedTest(name = "{0} layers={1} bidirectional={2}")
    @CsvSource({"mamba,1,true", "mamba,2,false", "mingru,2,true", "mingru,1,false"})
    void wholeModelGradientMatchesFiniteDifferences(String name, int layers, boolean bidirectional) {
        double worst = LearnerChecks.maxGradientError(provider(name), TINY, config(name, 2, layers, bidirectional), 2,
                11);
        assertTrue(worst < 1e-6, "max relative error " + worst);
    }

    @ParameterizedTest
    @CsvSource({"mamba,8", "mingru,20"})
    void cpuMatchesReferenceAfterThreeAdamWSteps(String name, int size) {
        // inner channels (mamba: 2*8*3 = 48 scan channels; mingru: 20) past one vector, so lanes and tails run
        TaskShape shape = new TaskShape(5, 8, 4, 1);
        Config config = config(name, size, 1, true);
        var ref = LearnerChecks.afterSteps("reference", 1, provider(name), shape, config, 4, 3, 5);
        var cpu = LearnerChecks.afterSteps("cpu", 2, provider(name), shape, config, 4, 3, 5);
        // float32 rounding over a few dozen terms and 5 scan steps: ~1e-6 relative; a wrong kernel gives O(1)
        assertEquals(ref.loss(), cpu.loss(), 1e-4 * ref.loss());
        double diff = LearnerChecks.relativeDifference(cpu.grads(), ref.grads());
        assertTrue(diff < 1e-4, "relative gradient difference " + diff);
    }

    @ParameterizedTest
    @CsvSource({"mamba", "mingru"})
    void aForwardScanNeverSeesLaterTokensAndTheReversedOneDoes(String name) {
        TaskShape shape = new TaskShape(6, 3, 2, 1);
        int batch = 2;
        int n = shape.positions();
        int d = shape.inputWidth();
        double[] x = LearnerChecks.Data.random(shape, batch, new SplittableRandom(6)).input();
        double[] changed = x.clone();
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < d; j++) {
                changed[(b * n + 3) * d + j] += 0.5; // token 3 only
            }
        }
        for (boolean bidirectional : new boolean[] {false, true}) {
            try (Backend be = Fixtures.open("reference");
                 Learner m = provider(name).create(shape, config(name, 4, 1, bidirectional), be, 3)) {
                double[] before = Fixtures.predict(m, be, shape, x, batch);
                double[] after = Fixtures.predict(m, be, shape, changed, batch);
                for (int b = 0; b < batch; b++) {
                    for (int t = 0; t < n; t++) {
                        double delta = Math.abs(after[b * n + t] - before[b * n + t]);
                        if (t < 3 && !bidirectional) {
                            assertEquals(0.0, delta, "forward-only " + name + ": position " + t + " saw token 3");
                        } else {
                            assertTrue(delta > 1e-9, name + " position " + t + " did not see token 3");
                        }
                    }
                }
            }
        }
    }

    @Test
    void mambaStartsAsThePaperInitializesIt() {
        TaskShape shape = new TaskShape(4, 3, 2, 1);
        try (Backend be = Fixtures.open("reference");
             Learner m = provider("mamba").create(shape, config("mamba", 4, 1, false), be, 1)) {
            var p = m.parameters();
            double[] aLog = new double[8 * 3];
            be.copyToHost(p.get("layers.0.A_log").value(), aLog);
            for (int i = 0; i < aLog.length; i++) {
                assertEquals(Math.log(i % 3 + 1), aLog[i], 1e-15, "A_log[" + i + "]"); // A = -(1, 2, 3) per channel
            }
            double[] dtBias = new double[8];
            be.copyToHost(p.get("layers.0.dt_proj.bias").value(), dtBias);
            double[] skip = new double[8];
            be.copyToHost(p.get("layers.0.D").value(), skip);
            for (int i = 0; i < 8; i++) {
                double dt = Math.log1p(Math.exp(dtBias[i]));
                assertTrue(dt >= 1e-3 - 1e-12 && dt <= 0.1 + 1e-12, "softplus(dt bias) " + dt);
                assertEquals(1.0, skip[i]);
            }
            assertNotEquals(dtBias[0], dtBias[1]);
        }
    }

    @Test
    void defaultParameterCountsAreTheDocumentedOnes() {
        // qSTR at d = 10, q = 1, N = 8: D = d + 2 floor(5 ln 8) = 30
        TaskShape shape = new TaskShape(8, 30, 10, 1);
        assertEquals(19_393, count("mamba", shape, Map.of()));
        assertEquals(147_713, count("mingru", shape, Map.of()));
        assertEquals(1_597_001, count("gru", shape, Map.of()));
        assertEquals(123_137, count("gru", shape, Map.of("hidden", 128)));
    }

    private static long count(String name, TaskShape shape, Map<String, Object> options) {
        try (Backend be = Fixtures.open("cpu");
             Learner m = provider(name).create(shape, provider(name).schema().validate(options), be, 1)) {
            return m.parameters().count();
        }
    }

    @Test
    void badOptionsAreRejectedNamingTheOptionAndItsRange() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> provider("mamba").schema().validate(Map.of("state", 0)));
        assertTrue(e.getMessage().contains("state") && e.getMessage().contains("256"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> provider("mingru").schema().validate(Map.of("layers", 99)));
        assertTrue(e.getMessage().contains("layers") && e.getMessage().contains("16"), e.getMessage());
    }
}

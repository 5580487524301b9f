package org.samplex.models.transformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.samplex.testkit.Fixtures.PAPER;
import static org.samplex.testkit.Fixtures.TINY;
import static org.samplex.testkit.Fixtures.open;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.samplex.api.Backend;
import org.samplex.api.Services;
import org.samplex.api.config.Config;
import org.samplex.api.learn.AdamW;
import org.samplex.api.learn.AdamWConfig;
import org.samplex.api.learn.Learner;
import org.samplex.api.learn.LearnerProvider;
import org.samplex.api.learn.TaskShape;
import org.samplex.api.tape.Arena;
import org.samplex.api.tape.Parameters;
import org.samplex.api.tape.Tape;
import org.samplex.api.tape.Tensor;
import org.samplex.testkit.conformance.LearnerChecks;

class TransformerTest {
    private static final int BATCH = 2;

    private final LearnerProvider provider = Services.discover().learner("transformer");

    private Config config(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return provider.schema().validate(m);
    }

    private static int[] shapeOf(Learner m, String name) {
        return m.parameters().get(name).shape();
    }

    @Test
    void defaultsAreOneHeadWithOutputProjectionAndMlpOf100() {
        try (Backend be = open("reference"); Learner m = provider.create(PAPER, provider.schema().defaults(), be, 1)) {
            assertArrayEquals(new int[] {30, 30}, shapeOf(m, "attn.q.weight"));
            assertArrayEquals(new int[] {30}, shapeOf(m, "attn.v.bias"));
            assertArrayEquals(new int[] {30, 30}, shapeOf(m, "attn.out.weight"));
            assertArrayEquals(new int[] {100, 30}, shapeOf(m, "mlp.fc1.weight"));
            assertArrayEquals(new int[] {1, 100}, shapeOf(m, "mlp.fc2.weight"));
            assertEquals(3 * (30 * 30 + 30) + 30 * 30 + 30 + 100 * 30 + 100 + 100 + 1, m.parameters().count());
        }
    }

    @Test
    void headsDefaultToPointersAndFullWidthHeadsConcatenate() {
        TaskShape twoPointers = new TaskShape(8, 40, 10, 2);
        try (Backend be = open("reference");
             Learner m = provider.create(twoPointers, provider.schema().defaults(), be, 1)) {
            assertArrayEquals(new int[] {80, 40}, shapeOf(m, "attn.k.weight")); // (H*D, D), H = q = 2
            assertArrayEquals(new int[] {100, 80}, shapeOf(m, "mlp.fc1.weight")); // no output projection
            assertFalse(m.parameters().names().contains("attn.out.weight"));
        }
    }

    @Test
    void splitHeadsKeepWidthDAndHaveOutputProjection() {
        try (Backend be = open("reference");
             Learner m = provider.create(PAPER, config("heads", 2, "split-heads", true), be, 1)) {
            assertArrayEquals(new int[] {30, 30}, shapeOf(m, "attn.q.weight")); // (H * D/H, D)
            assertArrayEquals(new int[] {30, 30}, shapeOf(m, "attn.out.weight"));
            assertArrayEquals(new int[] {100, 30}, shapeOf(m, "mlp.fc1.weight"));
        }
        try (Backend be = open("reference");
             Learner m = provider.create(PAPER, config("heads", 2, "out-proj", "on"), be, 1)) {
            assertArrayEquals(new int[] {30, 60}, shapeOf(m, "attn.out.weight")); // Linear(H*D -> D)
        }
    }

    @Test
    void initializationFollowsPyTorchBounds() {
        checkInitialization(provider.schema().defaults(), 30, true);
        checkInitialization(config("heads", 2), 60, false);
        checkInitialization(config("heads", 2, "split-heads", true), 30, true);
    }

    private void checkInitialization(Config c, int attentionWidth, boolean outProjection) {
        try (Backend be = open("reference"); Learner m = provider.create(PAPER, c, be, 3)) {
            Parameters p = m.parameters();
            double[] w = p.valuesToHost();
            double xavier = Math.sqrt(6.0 / (30 + 3.0 * attentionWidth)); // stacked (3*H*hd, D)
            for (String proj : new String[] {"attn.q", "attn.k", "attn.v"}) {
                assertUniform(p, w, proj + ".weight", xavier);
                assertEquals(0.0, maxAbs(p, w, proj + ".bias"), proj + ".bias is zero");
            }
            if (outProjection) {
                assertUniform(p, w, "attn.out.weight", 1 / Math.sqrt(attentionWidth));
                assertEquals(0.0, maxAbs(p, w, "attn.out.bias"), "attn.out.bias is zero");
            }
            int mlpIn = outProjection ? 30 : attentionWidth;
            assertUniform(p, w, "mlp.fc1.weight", 1 / Math.sqrt(mlpIn));
            assertUniform(p, w, "mlp.fc1.bias", 1 / Math.sqrt(mlpIn));
            assertUniform(p, w, "mlp.fc2.weight", 1 / Math.sqrt(100));
            double fc2Bias = maxAbs(p, w, "mlp.fc2.bias");
            assertTrue(fc2Bias > 0 && fc2Bias <= 0.1, "mlp.fc2.bias in U(-0.1, 0.1): " + fc2Bias);
        }
    }

    /** All entries within the bound and the largest close to it (>= 90% with at least 100 draws). */
    private static void assertUniform(Parameters p, double[] w, String name, double bound) {
        double max = maxAbs(p, w, name);
        assertTrue(max <= bound && max >= 0.9 * bound, name + ": max |w| " + max + " for bound " + bound);
    }

    private static double maxAbs(Parameters p, double[] w, String name) {
        Parameters.Slot s = p.slot(name);
        double max = 0;
        for (long i = s.offset(); i < s.offset() + s.size(); i++) {
            max = Math.max(max, Math.abs(w[(int) i]));
        }
        return max;
    }

    @Test
    void forwardMatchesAHandWrittenAttentionLayer() {
        TaskShape shape = new TaskShape(3, 6, 2, 1);
        for (Config c : new Config[] {config("mlp-width", 5), config("heads", 2, "mlp-width", 5),
                config("heads", 3, "split-heads", true, "mlp-width", 5)}) {
            LearnerChecks.Data data = LearnerChecks.Data.random(shape, BATCH, new SplittableRandom(4));
            try (Backend be = open("reference"); Arena arena = new Arena(be);
                 Learner m = provider.create(shape, c, be, 5)) {
                Tape tape = new Tape(be, arena);
                Tensor x = Tensor.constant(arena.allocate(data.input().length), BATCH, 3, 6);
                be.copyFromHost(x.value(), data.input());
                double[] got = new double[BATCH * 3];
                be.copyToHost(m.forward(tape, x).value(), got);
                double[] want = TransformerByHand.forward(m.parameters(), TransformerConfig.from(c, shape), shape,
                        data.input(), BATCH);
                assertArrayEquals(want, got, 1e-12, c.toString());
            }
        }
    }

    @Test
    void wholeModelGradientMatchesFiniteDifferences() {
        for (Config c : new Config[] {config("heads", 1, "mlp-width", 5), config("heads", 2, "mlp-width", 5),
                config("heads", 2, "split-heads", true, "mlp-width", 5)}) {
            double worst = LearnerChecks.maxGradientError(provider, TINY, c, BATCH, 11);
            assertTrue(worst < 1e-6, c + ": max relative error " + worst);
        }
    }

    @Test
    void cpuMatchesReferenceAfterThreeAdamWSteps() {
        for (Config c : new Config[] {config("mlp-width", 5), config("heads", 2, "mlp-width", 5),
                config("heads", 2, "split-heads", true, "mlp-width", 5)}) {
            var ref = LearnerChecks.afterSteps("reference", 1, provider, TINY, c, BATCH, 3, 5);
            var cpu = LearnerChecks.afterSteps("cpu", 2, provider, TINY, c, BATCH, 3, 5);
            // float32 rounding (u = 6e-8) through a few short sums, a softmax and 3 Adam steps gives ~1e-6;
            // a wrong kernel or layout gives O(1) differences.
            assertEquals(ref.loss(), cpu.loss(), 1e-4 * ref.loss(), c.toString());
            double diff = LearnerChecks.relativeDifference(cpu.grads(), ref.grads());
            assertTrue(diff < 1e-4, c + ": relative gradient difference " + diff);
        }
    }

    @Test
    void sameSeedGivesIdenticalParameters() {
        Config c = config("heads", 2);
        try (Backend be = open("cpu"); Learner a = provider.create(PAPER, c, be, 9);
             Learner b = provider.create(PAPER, c, be, 9); Learner d = provider.create(PAPER, c, be, 10)) {
            assertArrayEquals(a.parameters().valuesToHost(), b.parameters().valuesToHost());
            assertFalse(Arrays.equals(a.parameters().valuesToHost(), d.parameters().valuesToHost()));
        }
    }

    @Test
    void badSettingsAreRejectedByName() {
        var zero = assertThrows(IllegalArgumentException.class, () -> config("heads", 0));
        assertTrue(zero.getMessage().contains("'heads'"), zero.getMessage());
        var wide = assertThrows(IllegalArgumentException.class, () -> config("mlp-width", 100_001));
        assertTrue(wide.getMessage().contains("'mlp-width'"), wide.getMessage());
        var proj = assertThrows(IllegalArgumentException.class, () -> config("out-proj", "maybe"));
        assertTrue(proj.getMessage().contains("'out-proj'"), proj.getMessage());
        try (Backend be = open("reference")) {
            var split = assertThrows(IllegalArgumentException.class,
                    () -> provider.create(PAPER, config("heads", 4, "split-heads", true), be, 1));
            assertTrue(split.getMessage().contains("'heads'") && split.getMessage().contains("D = 30"),
                    split.getMessage());
            var derived = assertThrows(IllegalArgumentException.class,
                    () -> provider.create(new TaskShape(8, 30, 10, 65), provider.schema().defaults(), be, 1));
            assertTrue(derived.getMessage().contains("'heads'"), derived.getMessage());
        }
    }

    /**
     * A retrieval task the attention must solve: token i is [x_i, e_i, e_{t_i}] with one-hot position codes and
     * a uniform pointer t_i, and y_i = <u, x_{t_i}>. A model that ignores the other tokens keeps an mse near
     * 1 - 1/N of the label variance; training must go well below that.
     */
    @Test
    void learnsASmallRetrievalTask() {
        int n = 4;
        int d = 2;
        TaskShape shape = new TaskShape(n, d + 2 * n, d, 1);
        Config c = config("mlp-width", 32);
        SplittableRandom r = new SplittableRandom(7);
        LearnerChecks.Data test = retrieval(shape, 256, r);
        try (Backend be = open("cpu"); Arena arena = new Arena(be); Learner m = provider.create(shape, c, be, 3)) {
            Tape tape = new Tape(be, arena);
            AdamW opt = new AdamW(new AdamWConfig(1e-2, 0.9, 0.999, 1e-8, 0.0));
            double before = LearnerChecks.loss(m, tape, shape, test, false);
            for (int step = 0; step < 400; step++) {
                LearnerChecks.loss(m, tape, shape, retrieval(shape, 32, r), true);
                opt.step(m.parameters());
            }
            double after = LearnerChecks.loss(m, tape, shape, test, false);
            assertTrue(after < before / 10 && after < 0.1, "test mse " + before + " -> " + after);
        }
    }

    private static LearnerChecks.Data retrieval(TaskShape shape, int batch, SplittableRandom r) {
        int n = shape.positions();
        int d = shape.contentWidth();
        int width = shape.inputWidth();
        double[] u = {0.6, 0.8};
        double[] x = new double[batch * n * width];
        double[] y = new double[batch * n];
        for (int b = 0; b < batch; b++) {
            double[] content = new double[n * d];
            for (int i = 0; i < content.length; i++) {
                content[i] = r.nextGaussian();
            }
            for (int i = 0; i < n; i++) {
                int t = r.nextInt(n);
                int row = (b * n + i) * width;
                System.arraycopy(content, i * d, x, row, d);
                x[row + d + i] = 1;
                x[row + d + n + t] = 1;
                y[b * n + i] = u[0] * content[t * d] + u[1] * content[t * d + 1];
            }
        }
        return new LearnerChecks.Data(x, y);
    }

    @Test
    void aFailedInitializationClosesTheParameters() {
        var seen = LearnerChecks.failedInitialization(provider, TINY, provider.schema().defaults());
        IllegalStateException e = assertInstanceOf(IllegalStateException.class, seen.thrown());
        assertEquals("fill refused", e.getMessage());
        assertTrue(seen.allocated() > 0);
        assertEquals(0, seen.unclosed(), "every slab allocated is closed");
    }
}

package org.samplex.models.mlp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.samplex.api.Backend;
import org.samplex.api.BackendOptions;
import org.samplex.api.Services;
import org.samplex.api.config.Config;
import org.samplex.api.learn.AdamW;
import org.samplex.api.learn.AdamWConfig;
import org.samplex.api.learn.Learner;
import org.samplex.api.learn.LearnerProvider;
import org.samplex.api.learn.TaskShape;
import org.samplex.api.tape.Arena;
import org.samplex.api.tape.Ops;
import org.samplex.api.tape.Tape;
import org.samplex.api.tape.Tensor;

class MlpTest {
    private static final TaskShape SHAPE = new TaskShape(3, 4, 2, 1);
    private static final int BATCH = 2;

    private final Services services = Services.discover();
    private final LearnerProvider provider = services.learner("mlp");
    private final Config tiny = provider.schema().validate(Map.of("width1", 5, "width2", 4));

    private static Backend open(String name) {
        return Services.discover().backend(name).open(BackendOptions.threads(2));
    }

    private static double[] random(SplittableRandom r, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextDouble(-1, 1);
        }
        return x;
    }

    /** Loss of the model on fixed data; gradients left in the parameters when backward is true. */
    private static double loss(Learner model, Tape tape, double[] input, double[] labels, boolean backward) {
        Backend be = tape.backend();
        tape.reset();
        var x = tape.arena().allocate(input.length);
        be.copyFromHost(x, input);
        var y = tape.arena().allocate(labels.length);
        be.copyFromHost(y, labels);
        Tensor pred = model.forward(tape, Tensor.constant(x, BATCH, SHAPE.positions(), SHAPE.inputWidth()));
        Tensor loss = Ops.mse(tape, pred, Tensor.constant(y, BATCH, SHAPE.positions()));
        if (backward) {
            model.parameters().zeroGrad();
            tape.backward(loss);
        }
        double[] out = new double[1];
        be.copyToHost(loss.value(), out);
        return out[0];
    }

    @Test
    void shapesFollowThePaperByDefault() {
        try (Backend be = open("reference");
             Learner m = provider.create(new TaskShape(6, 30, 10, 1), provider.schema().defaults(), be, 1)) {
            assertEquals(60 * 180, m.parameters().get("fc1.weight").size()); // (N*d*q, N*D)
            assertEquals(1000 * 60, m.parameters().get("fc2.weight").size());
            assertEquals(6 * 1000, m.parameters().get("fc3.weight").size());
            double bound = 1 / Math.sqrt(180);
            double[] w = m.parameters().valuesToHost();
            long slot = m.parameters().slot("fc1.weight").size();
            double max = 0;
            for (int i = 0; i < slot; i++) {
                max = Math.max(max, Math.abs(w[i]));
            }
            assertTrue(max <= bound && max > 0.95 * bound, "fc1 weights within U(-1/sqrt(180), 1/sqrt(180)): " + max);
        }
    }

    @Test
    void wholeModelGradientMatchesFiniteDifferences() {
        SplittableRandom r = new SplittableRandom(11);
        double[] input = random(r, BATCH * SHAPE.positions() * SHAPE.inputWidth());
        double[] labels = random(r, BATCH * SHAPE.positions());
        try (Backend be = open("reference"); Arena arena = new Arena(be);
             Learner m = provider.create(SHAPE, tiny, be, 5)) {
            Tape tape = new Tape(be, arena);
            loss(m, tape, input, labels, true);
            double[] analytic = m.parameters().gradsToHost();
            double[] theta = m.parameters().valuesToHost();
            double h = 1e-6;
            double worst = 0;
            for (int i = 0; i < theta.length; i++) {
                double keep = theta[i];
                theta[i] = keep + h;
                be.copyFromHost(m.parameters().values(), theta);
                double up = loss(m, tape, input, labels, false);
                theta[i] = keep - h;
                be.copyFromHost(m.parameters().values(), theta);
                double down = loss(m, tape, input, labels, false);
                theta[i] = keep;
                double numeric = (up - down) / (2 * h);
                double rel = Math.abs(numeric - analytic[i]) / Math.max(1e-3, Math.max(Math.abs(numeric),
                        Math.abs(analytic[i])));
                worst = Math.max(worst, rel);
            }
            be.copyFromHost(m.parameters().values(), theta);
            assertTrue(worst < 1e-6, "max relative error " + worst);
        }
    }

    @Test
    void cpuMatchesReferenceAfterThreeAdamWSteps() {
        SplittableRandom r = new SplittableRandom(3);
        double[][] inputs = new double[3][];
        double[][] labels = new double[3][];
        for (int s = 0; s < 3; s++) {
            inputs[s] = random(r, BATCH * SHAPE.positions() * SHAPE.inputWidth());
            labels[s] = random(r, BATCH * SHAPE.positions());
        }
        double[][] results = new double[2][];
        double[] losses = new double[2];
        String[] names = {"reference", "cpu"};
        for (int b = 0; b < 2; b++) {
            try (Backend be = open(names[b]); Arena arena = new Arena(be);
                 Learner m = provider.create(SHAPE, tiny, be, 5)) {
                Tape tape = new Tape(be, arena);
                AdamW opt = new AdamW(AdamWConfig.paper());
                for (int s = 0; s < 3; s++) {
                    losses[b] = loss(m, tape, inputs[s], labels[s], true);
                    opt.step(m.parameters());
                }
                results[b] = m.parameters().valuesToHost();
            }
        }
        // float32 rounding of ~20-term dot products, amplified by Adam's normalization in 3 steps of size lr:
        // parameters may differ by a small fraction of lr = 1e-3 where a gradient is near 0.
        assertEquals(losses[0], losses[1], 1e-5 * Math.max(1, losses[0]));
        double worst = 0;
        for (int i = 0; i < results[0].length; i++) {
            worst = Math.max(worst, Math.abs(results[0][i] - results[1][i]));
        }
        assertTrue(worst < 3e-3 * 0.1, "max parameter difference " + worst);
    }

    @Test
    void sameSeedSameBackendGivesIdenticalParameters() {
        try (Backend be = open("cpu"); Learner a = provider.create(SHAPE, tiny, be, 9);
             Learner b = provider.create(SHAPE, tiny, be, 9); Learner c = provider.create(SHAPE, tiny, be, 10)) {
            assertArrayEquals(a.parameters().valuesToHost(), b.parameters().valuesToHost());
            assertTrue(a.parameters().valuesToHost()[0] != c.parameters().valuesToHost()[0]);
        }
    }

    @Test
    void badWidthIsRejectedByName() {
        var e = assertThrows(IllegalArgumentException.class, () -> provider.schema().validate(Map.of("width2", 0)));
        assertTrue(e.getMessage().contains("'width2'"), e.getMessage());
    }
}

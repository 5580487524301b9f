package org.samplex.testkit.conformance;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.samplex.api.Backend;
import org.samplex.api.Buffer;
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
import org.samplex.testkit.Fixtures;

/**
 * Whole-model checks every learner's tests run: a finite-difference gradient check of the mse loss on the
 * reference backend, and parity of loss and gradients between a fast backend and the reference after a few AdamW
 * steps, and that a learner whose initialization fails closes what it allocated. Data are uniform in [-1, 1); tiny
 * sizes keep a check well under a second.
 */
public final class LearnerChecks {
    private LearnerChecks() {
    }

    /** Fixed random inputs (B, N, D) and labels (B, N) for one step. */
    public record Data(double[] input, double[] labels) {
        public static Data random(TaskShape shape, int batch, SplittableRandom r) {
            double[] x = new double[batch * shape.positions() * shape.inputWidth()];
            double[] y = new double[batch * shape.positions()];
            for (int i = 0; i < x.length; i++) {
                x[i] = r.nextDouble(-1, 1);
            }
            for (int i = 0; i < y.length; i++) {
                y[i] = r.nextDouble(-1, 1);
            }
            return new Data(x, y);
        }
    }

    /** The mse of the model on {@code data}; with backward, parameter gradients are zeroed and then filled. */
    public static double loss(Learner model, Tape tape, TaskShape shape, Data data, boolean backward) {
        Backend be = tape.backend();
        int batch = data.labels().length / shape.positions();
        tape.reset();
        var x = tape.arena().allocate(data.input().length);
        be.copyFromHost(x, data.input());
        var y = tape.arena().allocate(data.labels().length);
        be.copyFromHost(y, data.labels());
        Tensor pred = model.forward(tape, Tensor.constant(x, batch, shape.positions(), shape.inputWidth()));
        Tensor loss = Ops.mse(tape, pred, Tensor.constant(y, batch, shape.positions()));
        if (backward) {
            model.parameters().zeroGrad();
            tape.backward(loss);
        }
        double[] out = new double[1];
        be.copyToHost(loss.value(), out);
        return out[0];
    }

    /**
     * Central differences (h = 1e-6) on every parameter against the tape's gradients, on the reference backend.
     *
     * @return the largest |analytic - numeric| / max(|analytic|, |numeric|, 1e-3) over all parameters
     */
    public static double maxGradientError(LearnerProvider provider, TaskShape shape, Config config, int batch,
                                          long seed) {
        Data data = Data.random(shape, batch, new SplittableRandom(seed));
        try (Backend be = Fixtures.open("reference", 1); Arena arena = new Arena(be);
             Learner m = provider.create(shape, config, be, seed)) {
            Tape tape = new Tape(be, arena);
            loss(m, tape, shape, data, true);
            double[] analytic = m.parameters().gradsToHost();
            double[] theta = m.parameters().valuesToHost();
            double h = 1e-6;
            double worst = 0;
            for (int i = 0; i < theta.length; i++) {
                double keep = theta[i];
                theta[i] = keep + h;
                be.copyFromHost(m.parameters().values(), theta);
                double up = loss(m, tape, shape, data, false);
                theta[i] = keep - h;
                be.copyFromHost(m.parameters().values(), theta);
                double down = loss(m, tape, shape, data, false);
                theta[i] = keep;
                double numeric = (up - down) / (2 * h);
                double scale = Math.max(1e-3, Math.max(Math.abs(numeric), Math.abs(analytic[i])));
                worst = Math.max(worst, Math.abs(numeric - analytic[i]) / scale);
            }
            return worst;
        }
    }

    /** Loss and gradients of one backend at the step after {@code steps} AdamW updates. */
    public record StepState(double loss, double[] grads) {
    }

    /**
     * Trains from the same initialization on the same data for {@code steps} AdamW steps (paper settings), then
     * returns the loss and all parameter gradients on one more batch.
     */
    public static StepState afterSteps(String backend, int threads, LearnerProvider provider, TaskShape shape,
                                       Config config, int batch, int steps, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        try (Backend be = Fixtures.open(backend, threads); Arena arena = new Arena(be);
             Learner m = provider.create(shape, config, be, seed)) {
            Tape tape = new Tape(be, arena);
            AdamW opt = new AdamW(AdamWConfig.paper());
            for (int s = 0; s < steps; s++) {
                loss(m, tape, shape, Data.random(shape, batch, r), true);
                opt.step(m.parameters());
            }
            double l = loss(m, tape, shape, Data.random(shape, batch, r), true);
            return new StepState(l, m.parameters().gradsToHost());
        }
    }

    /** ||a - b|| / ||b|| (Euclidean), the norm-wise relative difference of two gradient vectors. */
    public static double relativeDifference(double[] a, double[] b) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < a.length; i++) {
            num += (a[i] - b[i]) * (a[i] - b[i]);
            den += b[i] * b[i];
        }
        return Math.sqrt(num / den);
    }

    /**
     * What {@link #failedInitialization} saw: the throwable {@code create} ended with (null if it returned), how many
     * buffers the learner allocated, and how many of those were still open afterwards.
     */
    public record FailedInitialization(Throwable thrown, int allocated, int unclosed) {
    }

    /**
     * Creates a learner on the reference backend whose second fillUniform throws {@code IllegalStateException("fill
     * refused")}, recording every buffer the backend hands out, so a test can check that none is left open.
     */
    public static FailedInitialization failedInitialization(LearnerProvider provider, TaskShape shape,
                                                            Config config) {
        try (Backend real = Fixtures.open("reference", 2)) {
            List<Buffer> allocated = new ArrayList<>();
            Backend failing = failingOnSecondFill(real, allocated);
            Throwable thrown = null;
            try {
                provider.create(shape, config, failing, 1).close();
            } catch (Throwable t) {
                thrown = t;
            }
            int unclosed = (int) allocated.stream().filter(b -> !b.isClosed()).count();
            return new FailedInitialization(thrown, allocated.size(), unclosed);
        }
    }

    /** {@code real}, except that its second fillUniform throws; records the buffers it allocates. */
    private static Backend failingOnSecondFill(Backend real, List<Buffer> allocated) {
        AtomicInteger fills = new AtomicInteger();
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("fillUniform") && fills.incrementAndGet() == 2) {
                        throw new IllegalStateException("fill refused");
                    }
                    Object out;
                    try {
                        out = method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (out instanceof Buffer b) {
                        allocated.add(b);
                    }
                    return out;
                });
    }
}

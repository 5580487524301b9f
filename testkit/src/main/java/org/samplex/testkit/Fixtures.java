package org.samplex.testkit;

import org.samplex.api.Backend;
import org.samplex.api.BackendOptions;
import org.samplex.api.Services;
import org.samplex.api.learn.Learner;
import org.samplex.api.learn.TaskShape;
import org.samplex.api.tape.Arena;
import org.samplex.api.tape.Tape;
import org.samplex.api.tape.Tensor;

/**
 * The fixtures learner and backend tests share: the prompt shapes they build learners for, backends opened by
 * name, and a plain forward pass. Learner-level checks (gradients, parity, cleanup) are
 * {@link org.samplex.testkit.conformance.LearnerChecks}.
 */
public final class Fixtures {
    /** The tiny shape of the learner checks: N 3 positions, D 4 token width, d 2 content width, q 1 pointer. */
    public static final TaskShape TINY = new TaskShape(3, 4, 2, 1);
    /** The paper's q = 1 shape for d = 10, N = 8: D = 10 + 2 floor(5 ln 8) = 30. */
    public static final TaskShape PAPER = new TaskShape(8, 30, 10, 1);

    private Fixtures() {
    }

    /** The backend the service loader finds under {@code name}, opened with {@code threads} threads. */
    public static Backend open(String name, int threads) {
        return Services.discover().backend(name).open(BackendOptions.threads(threads));
    }

    /** {@link #open(String, int)} with two threads, so that a result depending on the thread count shows. */
    public static Backend open(String name) {
        return open(name, 2);
    }

    /** Predictions (B*N) of {@code model} for inputs x (B*N*D), without recording a backward. */
    public static double[] predict(Learner model, Backend be, TaskShape shape, double[] x, int batch) {
        try (Arena arena = new Arena(be)) {
            Tape tape = new Tape(be, arena).gradEnabled(false);
            var in = arena.allocate(x.length);
            be.copyFromHost(in, x);
            Tensor pred = model.forward(tape, Tensor.constant(in, batch, shape.positions(), shape.inputWidth()));
            double[] out = new double[batch * shape.positions()];
            be.copyToHost(pred.value(), out);
            return out;
        }
    }
}

package org.samplex.experiment;

import java.util.Arrays;
import java.util.Map;
import org.samplex.api.Backend;
import org.samplex.api.config.Config;
import org.samplex.api.config.Hyperparameter;
import org.samplex.api.config.Schema;
import org.samplex.api.learn.Learner;
import org.samplex.api.learn.LearnerProvider;
import org.samplex.api.learn.TaskShape;
import org.samplex.api.rng.RngStream;
import org.samplex.api.tape.Ops;
import org.samplex.api.tape.Parameters;
import org.samplex.api.tape.Tape;
import org.samplex.api.tape.Tensor;

/**
 * A learner for the protocol's tests: one affine map per token, y_i = <w, z_i> + b. Option "fail-at-call" makes
 * the n-th forward throw, to check that a failing run still closes what it allocated; that call counter is the
 * kind of host-side state that makes a learner not {@link Learner#replayable}, so option "replayable" (meant for
 * runs without "fail-at-call") declares it replayable, to run the protocol's replayed path on the toy task.
 */
final class AffineLearner implements Learner {

    /** Its provider, named "affine". */
    static final class Provider implements LearnerProvider {
        private static final Schema SCHEMA = Schema.of("learner 'affine'",
                Hyperparameter.integer("fail-at-call", 0, 0, 1_000_000, "throw on this forward call (0: never)"),
                Hyperparameter.bool("replayable", false, "declare the learner replayable"));

        @Override
        public String name() {
            return "affine";
        }

        @Override
        public String description() {
            return "y_i = <w, z_i> + b";
        }

        @Override
        public Schema schema() {
            return SCHEMA;
        }

        @Override
        public Learner create(TaskShape shape, Config config, Backend backend, long seed) {
            return new AffineLearner(shape, config.getInt("fail-at-call"), config.getBoolean("replayable"), backend,
                    seed);
        }
    }

    private final Parameters params;
    private final int failAtCall;
    private final boolean replayable;
    private int calls;

    private AffineLearner(TaskShape shape, int failAtCall, boolean replayable, Backend backend, long seed) {
        this.failAtCall = failAtCall;
        this.replayable = replayable;
        params = Parameters.builder().add("weight", 1, shape.inputWidth()).add("bias", 1).build(backend);
        RngStream init = RngStream.of(seed, "init");
        double bound = 1 / Math.sqrt(shape.inputWidth());
        params.initializeUniform("weight", bound, init);
        params.initializeUniform("bias", bound, init);
    }

    @Override
    public Parameters parameters() {
        return params;
    }

    @Override
    public boolean replayable() {
        return replayable;
    }

    @Override
    public Tensor forward(Tape tape, Tensor input) {
        if (++calls == failAtCall) {
            throw new IllegalStateException("forward call " + calls + " fails as configured");
        }
        int batch = input.dim(0);
        int n = input.dim(1);
        Tensor x = Ops.reshape(tape, input, batch * n, input.dim(2)); // (B*N, D)
        Tensor y = Ops.linear(tape, x, params.get("weight"), params.get("bias")); // (B*N, 1)
        return Ops.reshape(tape, y, batch, n); // (B, N)
    }

    /** "weight": w as a (1, D) matrix; "prompt": the prompt's tokens (N, D), so tests can see which it was. */
    @Override
    public Map<String, double[][]> inspect(Tape tape, Tensor prompt) {
        int n = prompt.dim(1);
        int width = prompt.dim(2);
        double[] tokens = new double[n * width];
        tape.backend().copyToHost(prompt.value(), tokens);
        double[][] rows = new double[n][];
        for (int i = 0; i < n; i++) {
            rows[i] = Arrays.copyOfRange(tokens, i * width, (i + 1) * width);
        }
        int offset = (int) params.slot("weight").offset();
        double[] weight = Arrays.copyOfRange(params.valuesToHost(), offset, offset + width);
        return Map.of("weight", new double[][] {weight}, "prompt", rows);
    }
}

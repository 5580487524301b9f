package org.samplex.experiment.metering;

import java.util.List;
import org.samplex.api.Backend;
import org.samplex.api.config.Config;
import org.samplex.api.config.Hyperparameter;
import org.samplex.api.config.Schema;
import org.samplex.api.learn.Learner;
import org.samplex.api.learn.LearnerProvider;
import org.samplex.api.learn.TaskProvider;
import org.samplex.api.learn.TaskShape;
import org.samplex.api.rng.RngStream;
import org.samplex.api.tape.Ops;
import org.samplex.api.tape.Parameters;
import org.samplex.api.tape.SequenceOps;
import org.samplex.api.tape.Tape;
import org.samplex.api.tape.Tensor;
import org.samplex.testkit.SumTask;

/**
 * A task and a learner for the bench's tests. Task "sum": y_i = sum_k x_ik with x ~ N(0, I_d). Learner "mix":
 * a small network that calls every kernel family a real learner does (gemm, bias, activation, attention, a GRU
 * cell, add, mul, concat and slice), so a profile and a forwarding test see them all.
 */
final class BenchFixtures {

    static final TaskProvider SUM = new SumTask("sum", 4);
    static final LearnerProvider MIX = new MixProvider();

    private BenchFixtures() {
    }

    private static final class MixProvider implements LearnerProvider {
        private static final Schema SCHEMA = Schema.of("learner 'mix'",
                Hyperparameter.integer("width", 6, 2, 64, "hidden width"),
                Hyperparameter.bool("replayable", true, "declare the learner replayable (it is)"));

        @Override
        public String name() {
            return "mix";
        }

        @Override
        public String description() {
            return "every kernel family once";
        }

        @Override
        public Schema schema() {
            return SCHEMA;
        }

        @Override
        public Learner create(TaskShape shape, Config config, Backend backend, long seed) {
            return new Mix(shape.inputWidth(), config.getInt("width"), config.getBoolean("replayable"), backend,
                    seed);
        }
    }

    /** h = tanh(x W1 + b1); a = attention(h, h, h); g = GRU cell with input a and state h; y = [g * g + a] w. */
    private static final class Mix implements Learner {
        private final Parameters params;
        private final int width;
        private final boolean replayable;

        Mix(int in, int width, boolean replayable, Backend backend, long seed) {
            this.width = width;
            this.replayable = replayable;
            params = Parameters.builder().add("w1", width, in).add("b1", width).add("wi", 3 * width, width)
                    .add("wh", 3 * width, width).add("out", 1, 2 * width).build(backend);
            RngStream init = RngStream.of(seed, "init");
            for (String name : params.names()) {
                params.initializeUniform(name, 0.5, init);
            }
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
            int batch = input.dim(0);
            int n = input.dim(1);
            Tensor x = Ops.reshape(tape, input, batch * n, input.dim(2)); // (B*N, D)
            Tensor h = Ops.tanh(tape, Ops.linear(tape, x, params.get("w1"), params.get("b1"))); // (B*N, w)
            Tensor h3 = Ops.reshape(tape, h, batch, n, width); // (B, N, w)
            Tensor a = Ops.reshape(tape, SequenceOps.attention(tape, h3, h3, h3, 2, 0.5, false),
                    batch * n, width); // (B*N, w)
            Tensor gi = Ops.linear(tape, a, params.get("wi"), null); // (B*N, 3w)
            Tensor gh = Ops.linear(tape, h, params.get("wh"), null); // (B*N, 3w)
            Tensor g = SequenceOps.gruCell(tape, gi, gh, h); // (B*N, w)
            Tensor both = Ops.concatLast(tape, List.of(Ops.mul(tape, g, g), Ops.add(tape, g, a))); // (B*N, 2w)
            Tensor mixed = Ops.concatLast(tape, List.of(Ops.sliceLast(tape, both, width, width),
                    Ops.sliceLast(tape, both, 0, width))); // (B*N, 2w)
            Tensor y = Ops.linear(tape, mixed, params.get("out"), null); // (B*N, 1)
            return Ops.reshape(tape, y, batch, n); // (B, N)
        }
    }
}

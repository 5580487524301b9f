package org.samplex.experiment.sweep;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.samplex.api.Backend;
import org.samplex.api.BackendOptions;
import org.samplex.api.Buffer;
import org.samplex.api.Services;
import org.samplex.api.config.Config;
import org.samplex.api.config.Hyperparameter;
import org.samplex.api.config.Schema;
import org.samplex.api.learn.Batch;
import org.samplex.api.learn.Learner;
import org.samplex.api.learn.LearnerProvider;
import org.samplex.api.learn.Task;
import org.samplex.api.learn.TaskProvider;
import org.samplex.api.learn.TaskShape;
import org.samplex.api.rng.RngStream;
import org.samplex.api.tape.Arena;
import org.samplex.api.tape.Ops;
import org.samplex.api.tape.Parameters;
import org.samplex.api.tape.Tape;
import org.samplex.api.tape.Tensor;
import org.samplex.experiment.OnlineProtocol;
import org.samplex.experiment.ProgressListener;
import org.samplex.experiment.RunRecord;
import org.samplex.experiment.RunSpec;

/**
 * A task, a learner and a {@link Trainer} small enough for sweep tests, running the real online protocol on the
 * reference backend. Task "tiny": y_i = sum_k x_ik with x ~ N(0, I_d). Learner "linear": y_i = <w, x_i> + b, which
 * can learn it exactly; option "nan" starts b at NaN, so the first check sees a NaN loss (a forced divergence);
 * option "throw" makes every forward throw (a failing run).
 */
final class TinyProviders {

    private TinyProviders() {
    }

    /** The trainer of task "tiny" and learner "linear" on the reference backend. */
    static Trainer trainer() {
        LearnerProvider learner = new LinearProvider();
        TaskProvider task = new TinyTaskProvider();
        Services services = Services.discover();
        return new Trainer() {
            @Override
            public RunSpec resolve(RunSpec spec) {
                return OnlineProtocol.resolve(spec, learner, task);
            }

            @Override
            public Set<String> learnerOptionNames(String name) {
                return learner.schema().parameters().stream().map(Hyperparameter::name).collect(Collectors.toSet());
            }

            @Override
            public String backend(String requested) {
                return "reference";
            }

            @Override
            public RunRecord run(RunSpec resolvedSpec, ProgressListener listener) {
                try (Backend b = services.backend("reference").open(BackendOptions.threads(1))) {
                    return OnlineProtocol.run(resolvedSpec, learner, task, b, listener);
                }
            }

            @Override
            public long parameterCount(RunSpec resolvedSpec) {
                try (Backend b = services.backend("reference").open(BackendOptions.threads(1))) {
                    return Trainer.parameterCount(resolvedSpec, learner, task, b);
                }
            }
        };
    }

    static final class TinyTaskProvider implements TaskProvider {
        private static final Schema SCHEMA = Schema.of("task 'tiny'",
                Hyperparameter.integer("N", 3, 1, 64, "positions"),
                Hyperparameter.integer("d", 2, 1, 64, "content width"));

        @Override
        public String name() {
            return "tiny";
        }

        @Override
        public String description() {
            return "y_i = sum of x_i";
        }

        @Override
        public Schema schema() {
            return SCHEMA;
        }

        @Override
        public Task create(Config config, long taskSeed) {
            TaskShape shape = new TaskShape(config.getInt("N"), config.getInt("d"), config.getInt("d"), 1);
            return new Task() {
                @Override
                public TaskShape shape() {
                    return shape;
                }

                @Override
                public Batch batch(Backend backend, Arena arena, Split split, RngStream stream, long firstPrompt,
                                   int count) {
                    int n = shape.positions();
                    int d = shape.contentWidth();
                    Buffer x = arena.allocate((long) count * n * d); // (count, N, d)
                    for (int p = 0; p < count; p++) {
                        backend.fillNormal(x.slice((long) p * n * d, (long) n * d), stream, firstPrompt + p, 0, 1);
                    }
                    Buffer ones = arena.allocate(d);
                    double[] sum = new double[d];
                    Arrays.fill(sum, 1);
                    backend.copyFromHost(ones, sum);
                    Buffer y = arena.allocate((long) count * n); // (count, N)
                    backend.gemm(false, false, count * n, 1, d, 1.0, x, ones, 0.0, y);
                    return new Batch(Tensor.constant(x, count, n, d), Tensor.constant(y, count, n));
                }

                @Override
                public int defaultCheckEvery() {
                    return 1;
                }

                @Override
                public Map<String, Object> describe() {
                    return Map.of("N", shape.positions(), "d", shape.contentWidth());
                }
            };
        }
    }

    static final class LinearProvider implements LearnerProvider {
        private static final Schema SCHEMA = Schema.of("learner 'linear'",
                Hyperparameter.bool("nan", false, "start the bias at NaN (a forced divergence)"),
                Hyperparameter.bool("throw", false, "throw in every forward pass (a failing run)"));

        @Override
        public String name() {
            return "linear";
        }

        @Override
        public String description() {
            return "y_i = <w, x_i> + b";
        }

        @Override
        public Schema schema() {
            return SCHEMA;
        }

        @Override
        public Learner create(TaskShape shape, Config config, Backend backend, long seed) {
            Parameters params = Parameters.builder().add("weight", 1, shape.inputWidth()).add("bias", 1)
                    .build(backend);
            params.initializeUniform("weight", 0.5, RngStream.of(seed, "init"));
            params.initializeConstant("bias", config.getBoolean("nan") ? Double.NaN : 0);
            boolean fail = config.getBoolean("throw");
            return new Learner() {
                @Override
                public Parameters parameters() {
                    return params;
                }

                @Override
                public Tensor forward(Tape tape, Tensor input) {
                    if (fail) {
                        throw new IllegalStateException("the linear learner was asked to fail");
                    }
                    int batch = input.dim(0);
                    int n = input.dim(1);
                    Tensor x = Ops.reshape(tape, input, batch * n, input.dim(2)); // (B*N, D)
                    Tensor y = Ops.linear(tape, x, params.get("weight"), params.get("bias")); // (B*N, 1)
                    return Ops.reshape(tape, y, batch, n); // (B, N)
                }
            };
        }
    }
}

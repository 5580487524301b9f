package org.samplex.sweep;

import java.util.Set;
import java.util.stream.Collectors;
import org.samplex.api.Backend;
import org.samplex.api.BackendOptions;
import org.samplex.api.Services;
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
import org.samplex.api.tape.Tape;
import org.samplex.api.tape.Tensor;
import org.samplex.experiment.CodeIdentity;
import org.samplex.experiment.OnlineProtocol;
import org.samplex.experiment.ProgressListener;
import org.samplex.experiment.RunRecord;
import org.samplex.experiment.RunSpec;
import org.samplex.testkit.SumTask;

/**
 * A task, a learner and a {@link RunService} small enough for sweep tests, running the real online protocol on the
 * reference backend. Task "tiny": y_i = sum_k x_ik with x ~ N(0, I_d). Learner "linear": y_i = <w, x_i> + b, which
 * can learn it exactly; option "nan" starts b at NaN, so the first check sees a NaN loss (a forced divergence);
 * option "throw" makes every forward throw (a failing run).
 */
final class TinyProviders {

    private TinyProviders() {
    }

    /** The trainer of task "tiny" and learner "linear" on the reference backend. */
    static RunService trainer() {
        LearnerProvider learner = new LinearProvider();
        TaskProvider task = new SumTask("tiny", 2).checkingEvery(1);
        Services services = Services.discover();
        return new RunService() {
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
            public String axisOption(String name, TaskShape.Axis axis) {
                return task.axisOption(axis);
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
                    return RunService.parameterCount(resolvedSpec, learner, task, b);
                }
            }

            @Override
            public CodeIdentity codeIdentity(RunSpec resolvedSpec) {
                return CodeIdentity.of(learner.getClass(), task.getClass(),
                        services.backend("reference").getClass());
            }
        };
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

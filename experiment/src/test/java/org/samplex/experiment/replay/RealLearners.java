package org.samplex.experiment.replay;

import java.util.Map;
import org.samplex.api.Backend;
import org.samplex.api.Services;
import org.samplex.api.config.Config;
import org.samplex.api.config.Schema;
import org.samplex.api.learn.Learner;
import org.samplex.api.learn.LearnerProvider;
import org.samplex.api.learn.TaskShape;
import org.samplex.api.tape.Parameters;
import org.samplex.api.tape.Tape;
import org.samplex.api.tape.Tensor;
import org.samplex.experiment.RunSpec;
import org.samplex.experiment.RunSpecBuilder;

/**
 * The shipped learners at small sizes on a small qSTR task, for the replay tests, and a wrapper provider that can
 * turn replay off and keeps what the tests compare (final parameter values, training forwards).
 */
final class RealLearners {
    static final Services SERVICES = Services.discover();

    private RealLearners() {
    }

    /** A spec of 30 steps of 8 prompts, checks every 5 steps on 40 test prompts, never completed. */
    static RunSpecBuilder spec(String learner, String backend) {
        RunSpecBuilder b = RunSpec.builder(learner, "qstr").taskOption("N", 4).taskOption("d", 4)
                .taskOption("d-e", 3).batch(8).checkEvery(5).testSize(40).cap(8 * 30).thresholds(1e-30)
                .learningRate(1e-2).seed(11).backend(backend).threads(2);
        return switch (learner) {
            case "transformer" -> b.learnerOption("mlp-width", 8);
            case "mlp" -> b.learnerOption("width1", 16).learnerOption("width2", 12);
            case "gru", "lstm", "rnn", "mingru" -> b.learnerOption("hidden", 5);
            case "mamba" -> b.learnerOption("width", 3).learnerOption("state", 4);
            default -> throw new IllegalArgumentException("learner must be transformer, mlp, gru, lstm, rnn, mamba or "
                    + "mingru, got " + learner);
        };
    }

    /**
     * A provider that makes its delegate's learners, replayable only when {@code replay} is true, and keeps the
     * last learner's parameter values at close and the forwards it ran with gradients on.
     */
    static final class Recording implements LearnerProvider {
        private final LearnerProvider delegate;
        private final boolean replay;
        double[] finalValues;
        int trainingForwards;
        boolean delegateReplayable;

        Recording(String name, boolean replay) {
            this.delegate = SERVICES.learner(name);
            this.replay = replay;
        }

        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public String description() {
            return delegate.description();
        }

        @Override
        public Schema schema() {
            return delegate.schema();
        }

        @Override
        public Learner create(TaskShape shape, Config config, Backend backend, long seed) {
            Learner learner = delegate.create(shape, config, backend, seed);
            delegateReplayable = learner.replayable();
            return new Learner() {
                @Override
                public Parameters parameters() {
                    return learner.parameters();
                }

                @Override
                public Tensor forward(Tape tape, Tensor input) {
                    if (tape.gradEnabled()) {
                        trainingForwards++;
                    }
                    return learner.forward(tape, input);
                }

                @Override
                public boolean replayable() {
                    return replay && learner.replayable();
                }

                @Override
                public Map<String, double[][]> inspect(Tape tape, Tensor prompt) {
                    return learner.inspect(tape, prompt);
                }

                @Override
                public void close() {
                    finalValues = learner.parameters().valuesToHost();
                    learner.close();
                }
            };
        }
    }
}

package org.samplex.api.learn;

import org.samplex.api.Backend;
import org.samplex.api.config.Config;
import org.samplex.api.config.Schema;

/**
 * Service-provider entry point for an architecture, found with {@link java.util.ServiceLoader}. A third-party
 * architecture is one module with {@code provides org.samplex.api.learn.LearnerProvider with ...}.
 */
public interface LearnerProvider {

    /** Short unique name used on the command line ("transformer", "gru", "mlp"). */
    String name();

    /** One line for {@code samplex list}. */
    String description();

    /** The hyperparameters, with defaults and ranges; validated before any run. */
    Schema schema();

    /**
     * Builds a learner with parameters initialized from the "init" stream of {@code seed}.
     *
     * @param config validated by {@link #schema()}
     * @throws IllegalArgumentException when the config does not fit the shape, naming the parameters
     */
    Learner create(TaskShape shape, Config config, Backend backend, long seed);

    /**
     * Whether runs of its learners can train as one packed model ({@link Learner#packed}): true only when every
     * learner it creates is {@link Learner#replayable}, uses its parameters in {@link org.samplex.api.tape.Ops#linear}
     * and {@link org.samplex.api.tape.Ops#biasAdd} alone, and treats the rows of its input independently (no op
     * mixes prompts), so that runs packed along the batch axis compute what each would alone. False by default.
     */
    default boolean packable() {
        return false;
    }
}

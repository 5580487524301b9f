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
}

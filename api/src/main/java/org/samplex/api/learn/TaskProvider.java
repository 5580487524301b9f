package org.samplex.api.learn;

import org.samplex.api.config.Config;
import org.samplex.api.config.Schema;

/** Service-provider entry point for a task family, found with {@link java.util.ServiceLoader}. */
public interface TaskProvider {

    /** Short unique name ("qstr"). */
    String name();

    /** One line for {@code samplex list}. */
    String description();

    Schema schema();

    /**
     * A task whose fixed randomness (positional codes, link directions) comes from {@code taskSeed}. The paper
     * shares it across repetitions and varies only initialization and data streams, so protocols pass one task
     * seed for all repetitions by default.
     *
     * @throws IllegalArgumentException for impossible combinations, naming the parameters
     */
    Task create(Config config, long taskSeed);
}

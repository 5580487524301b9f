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
     * A task with its fixed randomness (positional codes, link directions) drawn from {@code seed}.
     *
     * @throws IllegalArgumentException for impossible combinations, naming the parameters
     */
    Task create(Config config, long seed);
}

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
     * The option of {@link #schema} that sets an axis of the task's shape ({@link TaskShape.Axis}: N, tokens per
     * prompt, or q, pointers per token), an integer option whose value is that size; null when no option does
     * (the default). Sweeps set it for their {@code N} and {@code q} axes and the cli for {@code --N}; a task
     * without one can still be swept through its options, and its records still carry its shape.
     */
    default String axisOption(TaskShape.Axis axis) {
        return null;
    }

    /**
     * A task whose fixed randomness (positional codes, link directions) comes from {@code taskSeed}. The paper
     * shares it across repetitions and varies only initialization and data streams, so protocols pass one task
     * seed for all repetitions by default.
     *
     * @throws IllegalArgumentException for impossible combinations, naming the parameters
     */
    Task create(Config config, long taskSeed);
}

package org.samplex.models.mlp;

import org.samplex.api.Backend;
import org.samplex.api.config.Config;
import org.samplex.api.config.Hyperparameter;
import org.samplex.api.config.Schema;
import org.samplex.api.learn.Learner;
import org.samplex.api.learn.LearnerProvider;
import org.samplex.api.learn.TaskShape;

/** Provides the {@code mlp} learner. */
public final class MlpProvider implements LearnerProvider {
    private static final Schema SCHEMA = Schema.of("learner 'mlp'",
            Hyperparameter.integer("width1", null, 1, 1 << 20,
                    "first hidden width (default N*d*q, as the paper)"),
            Hyperparameter.integer("width2", 1000, 1, 1 << 20, "second hidden width"));

    @Override
    public String name() {
        return "mlp";
    }

    @Override
    public String description() {
        return "feedforward on the flattened prompt: [N*D -> N*d*q -> 1000 -> N], ReLU";
    }

    @Override
    public Schema schema() {
        return SCHEMA;
    }

    /** Parameters meet only linear layers; each prompt is a row of its own. */
    @Override
    public boolean packable() {
        return true;
    }

    @Override
    public Learner create(TaskShape shape, Config config, Backend backend, long seed) {
        return new Mlp(shape, MlpConfig.from(config, shape), backend, seed);
    }
}

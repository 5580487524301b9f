package org.samplex.examples.linearattention;

import java.util.List;
import org.samplex.api.Backend;
import org.samplex.api.config.Config;
import org.samplex.api.config.Hyperparameter;
import org.samplex.api.config.Schema;
import org.samplex.api.learn.Learner;
import org.samplex.api.learn.LearnerProvider;
import org.samplex.api.learn.TaskShape;

/**
 * Provides the {@code linear-attention} learner: softmax-free attention phi(Q) (phi(K)^T V) / N, then a ReLU MLP
 * per position (see {@link LinearAttention}). Found by {@link java.util.ServiceLoader} through this module's
 * {@code provides}; the name is how plans and {@code samplex train --learner} ask for it.
 */
public final class LinearAttentionProvider implements LearnerProvider {
    private static final Schema SCHEMA = Schema.of("learner 'linear-attention'",
            Hyperparameter.integer("features", 32, 1, 65_536,
                    "width F of the feature maps phi(q), phi(k); F >= N lets the layer retrieve one position"),
            Hyperparameter.choice("feature-map", "relu", List.of("relu", "sigmoid"),
                    "phi, applied to the query and key projections"),
            Hyperparameter.integer("mlp-width", 100, 1, 100_000, "hidden width m of the position-wise ReLU MLP"));

    /** Public, with no arguments: how ServiceLoader builds a provider. */
    public LinearAttentionProvider() {
    }

    @Override
    public String name() {
        return "linear-attention";
    }

    @Override
    public String description() {
        return "plug-in example: softmax-free attention phi(Q) (phi(K)^T V) / N, phi = relu|sigmoid, then "
                + "position-wise [-> m ReLU -> 1]";
    }

    @Override
    public Schema schema() {
        return SCHEMA;
    }

    @Override
    public Learner create(TaskShape shape, Config config, Backend backend, long seed) {
        return new LinearAttention(shape, LinearAttentionConfig.from(config), backend, seed);
    }
}

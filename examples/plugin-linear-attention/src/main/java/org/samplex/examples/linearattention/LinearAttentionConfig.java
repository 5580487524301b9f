package org.samplex.examples.linearattention;

import java.util.Locale;
import org.samplex.api.Activation;
import org.samplex.api.config.Config;

/**
 * Sizes of the linear-attention learner.
 *
 * @param features   F, the width of the feature maps phi(q), phi(k)
 * @param featureMap phi, applied to the query and key projections (non-negative, so weights are too)
 * @param mlpWidth   m, the hidden width of the position-wise MLP
 */
record LinearAttentionConfig(int features, Activation featureMap, int mlpWidth) {

    /** From a config that {@link LinearAttentionProvider#schema()} validated. */
    static LinearAttentionConfig from(Config config) {
        return new LinearAttentionConfig(config.getInt("features"),
                Activation.valueOf(config.getChoice("feature-map").toUpperCase(Locale.ROOT)),
                config.getInt("mlp-width"));
    }
}

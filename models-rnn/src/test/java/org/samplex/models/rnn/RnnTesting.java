package org.samplex.models.rnn;

import java.util.HashMap;
import java.util.Map;
import org.samplex.api.Services;
import org.samplex.api.config.Config;
import org.samplex.api.learn.LearnerProvider;

/** The recurrent learner variants by short name (backends and a forward pass: testkit's Fixtures). */
final class RnnTesting {
    private RnnTesting() {
    }

    /** The provider for a variant: "gru", "lstm", "tanh" or "relu" (the last two are the Elman rnn). */
    static LearnerProvider provider(String variant) {
        String learner = switch (variant) {
            case "tanh", "relu" -> "rnn";
            default -> variant;
        };
        return Services.discover().learner(learner);
    }

    /** A validated config of a variant with the given hidden width and direction setting. */
    static Config config(String variant, int hidden, boolean bidirectional) {
        Map<String, Object> values = new HashMap<>(Map.of("hidden", hidden, "bidirectional", bidirectional));
        if (variant.equals("tanh") || variant.equals("relu")) {
            values.put("nonlinearity", variant);
        }
        return provider(variant).schema().validate(values);
    }
}

package org.samplex.models.rnn;

import java.util.HashMap;
import java.util.Map;
import org.samplex.api.Backend;
import org.samplex.api.BackendOptions;
import org.samplex.api.Services;
import org.samplex.api.config.Config;
import org.samplex.api.learn.Learner;
import org.samplex.api.learn.LearnerProvider;
import org.samplex.api.learn.TaskShape;
import org.samplex.api.tape.Arena;
import org.samplex.api.tape.Tape;
import org.samplex.api.tape.Tensor;

/** Shared test fixtures: learner variants by short name, backends, and a plain forward pass. */
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

    static Backend open(String name) {
        return Services.discover().backend(name).open(BackendOptions.threads(2));
    }

    /** Predictions (B*N) of {@code model} for inputs x (B*N*D), without recording a backward. */
    static double[] predict(Learner model, Backend be, TaskShape shape, double[] x, int batch) {
        try (Arena arena = new Arena(be)) {
            Tape tape = new Tape(be, arena).gradEnabled(false);
            var in = arena.allocate(x.length);
            be.copyFromHost(in, x);
            Tensor pred = model.forward(tape, Tensor.constant(in, batch, shape.positions(), shape.inputWidth()));
            double[] out = new double[batch * shape.positions()];
            be.copyToHost(pred.value(), out);
            return out;
        }
    }
}

package org.samplex.models.rnn;

import java.util.List;
import java.util.Locale;
import org.samplex.api.Activation;
import org.samplex.api.config.Config;
import org.samplex.api.config.Hyperparameter;

/** Provides the {@code rnn} learner: an Elman RNN with tanh (PyTorch's default) or ReLU. */
public final class RnnProvider extends RecurrentProvider {

    public RnnProvider() {
        super("rnn", Hyperparameter.choice("nonlinearity", "tanh", List.of("tanh", "relu"),
                "activation of the recurrence, as torch.nn.RNN"));
    }

    @Override
    public String name() {
        return "rnn";
    }

    @Override
    public String description() {
        return "bidirectional Elman RNN (tanh or relu), hidden 500*q per direction, linear readout per position";
    }

    @Override
    Cell cell(Config config) {
        return new Cell.Elman(Activation.valueOf(config.getChoice("nonlinearity").toUpperCase(Locale.ROOT)));
    }
}

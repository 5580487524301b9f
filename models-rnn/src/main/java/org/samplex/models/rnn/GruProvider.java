package org.samplex.models.rnn;

import org.samplex.api.config.Config;

/** Provides the {@code gru} learner, the paper's recurrent model. */
public final class GruProvider extends RecurrentProvider {

    public GruProvider() {
        super("gru");
    }

    @Override
    public String name() {
        return "gru";
    }

    @Override
    public String description() {
        return "bidirectional GRU, hidden 500*q per direction, linear readout per position";
    }

    @Override
    Cell cell(Config config) {
        return new Cell.Gru();
    }
}

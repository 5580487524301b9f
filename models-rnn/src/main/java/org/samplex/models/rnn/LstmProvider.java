package org.samplex.models.rnn;

import org.samplex.api.config.Config;

/** Provides the {@code lstm} learner. */
public final class LstmProvider extends RecurrentProvider {

    public LstmProvider() {
        super("lstm");
    }

    @Override
    public String name() {
        return "lstm";
    }

    @Override
    public String description() {
        return "bidirectional LSTM, hidden 500*q per direction, linear readout per position";
    }

    @Override
    Cell cell(Config config) {
        return new Cell.Lstm();
    }
}

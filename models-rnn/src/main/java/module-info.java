/**
 * The recurrent learners: {@code gru} (the paper's RNN), {@code rnn} (Elman, ReLU or tanh), {@code lstm}, and the
 * scan learners {@code mamba} (selective state space) and {@code mingru} (minimal GRU), each bidirectional by
 * default with a linear readout per position.
 */
module org.samplex.models.rnn {
    requires org.samplex.api;

    provides org.samplex.api.learn.LearnerProvider with org.samplex.models.rnn.GruProvider,
            org.samplex.models.rnn.RnnProvider, org.samplex.models.rnn.LstmProvider,
            org.samplex.models.rnn.MambaProvider, org.samplex.models.rnn.MinGruProvider;
}

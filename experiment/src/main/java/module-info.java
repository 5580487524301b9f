/**
 * Training protocols, sweeps, results and analysis: the online protocol ({@code OnlineProtocol}) turns a
 * {@code RunSpec} into a {@code RunRecord}; {@code Json} is the one canonical JSON writer. Also the facts about
 * this machine that run records carry. Never names a concrete learner, task or backend.
 */
module org.samplex.experiment {
    requires org.samplex.api;

    exports org.samplex.experiment;
}

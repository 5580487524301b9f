/**
 * Training protocols, sweeps, results and analysis: the online protocol ({@code OnlineProtocol}) turns a
 * {@code RunSpec} into a {@code RunRecord}; {@code Json} is the one canonical JSON writer. Also the facts about
 * this machine that run records carry. Never names a concrete learner, task or backend.
 */
module org.samplex.experiment {
    requires org.samplex.api;
    requires java.sql;
    requires org.xerial.sqlitejdbc;
    requires org.snakeyaml.engine;

    // the report's plots: XChart (an automatic module) draws with java.awt, headless
    requires org.knowm.xchart;
    requires java.desktop;

    exports org.samplex.experiment;
    exports org.samplex.experiment.bench;
    exports org.samplex.experiment.report;
    exports org.samplex.experiment.sweep;

    // the Kubernetes client of samplex sweep submit k8s --apply, in the optional module org.samplex.kubernetes
    uses org.samplex.experiment.sweep.ClusterClient;
}

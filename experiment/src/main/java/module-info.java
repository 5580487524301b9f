/** Training protocols, sweeps, results and analysis; also the facts about this machine that runs record. */
module org.samplex.experiment {
    requires org.samplex.api;

    exports org.samplex.experiment;
}

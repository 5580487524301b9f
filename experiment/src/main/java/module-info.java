/**
 * Training protocols: the online and fixed-n protocols turn a {@code RunSpec} into a {@code RunRecord};
 * {@code Json} is the one canonical JSON writer, {@code RunKeys} a run's identity; the facts about this machine
 * and code that run records carry; and {@code metering}, the timed backend behind {@code samplex bench}. Never
 * names a concrete learner, task or backend, and needs nothing outside the JDK and the api.
 */
module org.samplex.experiment {
    requires transitive org.samplex.api;

    exports org.samplex.experiment;
    exports org.samplex.experiment.metering;
}

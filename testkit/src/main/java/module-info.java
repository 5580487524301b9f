/**
 * What module tests share: the backend conformance suite ({@code org.samplex.testkit.conformance}: the kernel
 * catalog, the float32 tolerances, the whole-learner checks) and the fixtures ({@code org.samplex.testkit}). It
 * needs only the api; the backends it runs are found through the service loader, so a test puts the backend
 * modules it compares (at least backend-cpu, for {@code reference}) beside it.
 */
module org.samplex.testkit {
    requires transitive org.samplex.api;

    exports org.samplex.testkit;
    exports org.samplex.testkit.conformance;
}

/**
 * The samplex command line. Finds backends, learners and tasks with ServiceLoader and never names a concrete one,
 * so a provider module dropped on the module path shows up in {@code samplex list}.
 */
module org.samplex.cli {
    requires org.samplex.api;
    requires org.samplex.experiment;
    requires org.samplex.sweep;
    requires org.samplex.report;
    requires info.picocli;
    // The Kubernetes client of sweep submit k8s --apply is loaded into a layer of its own (ClusterClient.find),
    // which cannot add JDK modules to the boot layer: the JDK's HTTP client it uses must be resolved here.
    requires java.net.http;

    // picocli fills the annotated fields of the commands reflectively.
    opens org.samplex.cli to info.picocli;

    uses org.samplex.api.BackendProvider;
    uses org.samplex.api.learn.LearnerProvider;
    uses org.samplex.api.learn.TaskProvider;
}

/**
 * Embedding samplex: a program that uses the api and the experiment engine as libraries. The task, the learner and
 * the backends are on the module path too, found with ServiceLoader through the api's {@code uses}.
 */
module org.samplex.examples.embed {
    requires org.samplex.api;
    requires org.samplex.experiment;

    exports org.samplex.examples.embed;
}

/**
 * samplex's contracts: backends and buffers, the autodiff tape, learners and tasks, hyperparameter schemas,
 * AdamW, and Philox random streams. Depends on nothing but java.base.
 */
module org.samplex.api {
    exports org.samplex.api;
    exports org.samplex.api.config;
    exports org.samplex.api.learn;
    exports org.samplex.api.rng;
    exports org.samplex.api.tape;

    uses org.samplex.api.BackendProvider;
    uses org.samplex.api.learn.LearnerProvider;
    uses org.samplex.api.learn.TaskProvider;
}

/**
 * An example samplex plug-in: the {@code linear-attention} learner. One module that requires only the samplex api
 * and provides a {@link org.samplex.api.learn.LearnerProvider}; built into a jar and dropped into a plug-in folder,
 * it appears in {@code samplex list} next to the built-in learners. javac records the api version this module was
 * compiled against in the {@code requires} below, which samplex checks before loading it.
 */
module org.samplex.examples.linearattention {
    requires org.samplex.api;

    provides org.samplex.api.learn.LearnerProvider with
            org.samplex.examples.linearattention.LinearAttentionProvider;
}

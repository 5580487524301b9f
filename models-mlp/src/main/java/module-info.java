/** The feedforward learner {@code mlp}: the flattened prompt through two ReLU layers to N outputs. */
module org.samplex.models.mlp {
    requires org.samplex.api;

    provides org.samplex.api.learn.LearnerProvider with org.samplex.models.mlp.MlpProvider;
}

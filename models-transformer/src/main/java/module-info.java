/**
 * The Transformer learner {@code transformer}: one softmax attention layer (no residual, no LayerNorm) and a
 * position-wise ReLU MLP, as in the paper's experiments.
 */
module org.samplex.models.transformer {
    requires org.samplex.api;

    provides org.samplex.api.learn.LearnerProvider with org.samplex.models.transformer.TransformerProvider;
}

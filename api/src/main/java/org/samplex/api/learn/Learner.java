package org.samplex.api.learn;

import java.util.Map;
import org.samplex.api.tape.Parameters;
import org.samplex.api.tape.Tape;
import org.samplex.api.tape.Tensor;

/**
 * A model under training. It owns its {@link Parameters} and closes them in {@link #close}; it writes only its
 * forward pass, from tape ops, and the tape derives the backward.
 */
public interface Learner extends AutoCloseable {

    /** The parameter slabs (values, gradients, AdamW state). */
    Parameters parameters();

    /**
     * Predictions for a batch of prompts.
     *
     * @param input (B, N, D) token inputs
     * @return (B, N) one prediction per position
     */
    Tensor forward(Tape tape, Tensor input);

    /**
     * Whether a training step of this learner can be captured once and replayed ({@link Tape#beginCapture},
     * {@link Tape.Graph#replay}) with new inputs written into the same input buffers. True only when, for inputs
     * of one shape, {@link #forward} issues the same tape ops on the same tensors in the same order whatever the
     * input values and however many times it was called before: no branch on the data, no step counter or other
     * host-side state read or changed by forward, no value read back to the host. Then a replay makes exactly the
     * backend calls that calling forward again would, and training gives the same bits either way. False by
     * default: a protocol then runs forward afresh every step.
     */
    default boolean replayable() {
        return false;
    }

    /**
     * This learner reading {@code packed} instead of its own parameters: the parameters of R runs of it (its own
     * configuration, any seeds) packed by {@link Parameters#pack}. Its forward then takes the R runs' inputs one run
     * after another, (R B, N, D), and returns their predictions likewise, (R B, N). The result owns and closes
     * {@code packed}; this learner is unchanged.
     *
     * @throws UnsupportedOperationException when its provider is not {@link LearnerProvider#packable}
     */
    default Learner packed(Parameters packed) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot train packed (its provider "
                + "is not packable)");
    }

    /**
     * Named matrices that explain the trained model for reports, computed on the host (for example a
     * transformer's W_Q^T W_K per head and its attention weights on {@code prompt}). Empty unless a learner has
     * something to show. Called rarely (once at the end of a run), so clarity beats speed here.
     *
     * @param prompt (1, N, D) one prompt
     * @return name to row-major matrix (rows of equal length)
     */
    default Map<String, double[][]> inspect(Tape tape, Tensor prompt) {
        return Map.of();
    }

    @Override
    default void close() {
        parameters().close();
    }
}

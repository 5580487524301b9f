package org.samplex.api.learn;

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

    @Override
    default void close() {
        parameters().close();
    }
}

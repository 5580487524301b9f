package org.samplex.api.learn;

import org.samplex.api.tape.Tensor;

/**
 * A batch of prompts on a backend, in arena memory of the caller's step.
 *
 * @param input  (B, N, D) token inputs
 * @param labels (B, N) targets
 */
public record Batch(Tensor input, Tensor labels) {
}

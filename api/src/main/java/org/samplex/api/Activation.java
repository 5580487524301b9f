package org.samplex.api;

/**
 * Pointwise activations with a kernel pair on every backend. Each one's derivative follows from its output alone
 * (relu's from out > 0), which {@link Backend#biasActivationForward} relies on.
 */
public enum Activation {
    /** max(0, x); the derivative at 0 is taken as 0, as in PyTorch. */
    RELU,
    /** tanh(x). */
    TANH,
    /** 1 / (1 + exp(-x)). */
    SIGMOID,
    /** x (no-op), so callers can treat "no activation" uniformly. */
    IDENTITY,
    /** exp(x); the derivative is the output. */
    EXP,
    /**
     * softplus(x) = log(1 + exp(x)), as torch.nn.functional.softplus (beta 1, computed stably for large |x|); the
     * derivative sigmoid(x) follows from the output y as 1 - exp(-y).
     */
    SOFTPLUS
}

package org.samplex.api;

/** Pointwise activations with a kernel pair on every backend. */
public enum Activation {
    /** max(0, x); the derivative at 0 is taken as 0, as in PyTorch. */
    RELU,
    /** tanh(x). */
    TANH,
    /** 1 / (1 + exp(-x)). */
    SIGMOID,
    /** x (no-op), so callers can treat "no activation" uniformly. */
    IDENTITY
}

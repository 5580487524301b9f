package org.samplex.api.learn;

import org.samplex.api.tape.Parameters;

/** The AdamW optimizer over a whole parameter slab: one fused backend call per step. */
public final class AdamW {
    private final AdamWConfig config;
    private long step;

    public AdamW(AdamWConfig config) {
        this.config = config;
    }

    /** Applies one update from the gradients in {@code params} and counts the step. */
    public void step(Parameters params) {
        step++;
        params.backend().adamwUpdate(params.values(), params.grads(), params.firstMoment(), params.secondMoment(),
                params.count(), config.learningRate(), config.beta1(), config.beta2(), config.eps(),
                config.weightDecay(), step);
    }

    /** Steps taken so far. */
    public long steps() {
        return step;
    }

    public AdamWConfig config() {
        return config;
    }
}

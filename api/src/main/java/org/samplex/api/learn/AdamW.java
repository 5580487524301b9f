package org.samplex.api.learn;

import org.samplex.api.Buffer;
import org.samplex.api.tape.Parameters;

/** The AdamW optimizer over a whole parameter slab: one fused backend call per step. */
public final class AdamW {
    private final AdamWConfig config;
    private long step;
    /** The run slices {@link #step(Parameters, int)} last updated, and whose they are. */
    private Buffer[] slices;
    private Parameters slicesOf;
    private int slicesRun;

    public AdamW(AdamWConfig config) {
        this.config = config;
    }

    /** Applies one update from the gradients in {@code params} (not packed) and counts the step. */
    public void step(Parameters params) {
        if (params.pack() != 1) {
            throw new IllegalArgumentException("AdamW.step: the parameters are packed (" + params.pack()
                    + " runs); update one run with step(params, run)");
        }
        step++;
        update(params.values(), params.grads(), params.firstMoment(), params.secondMoment(), params);
    }

    /**
     * Applies one update to run {@code run} of packed parameters from its gradients and counts the step: the same
     * call on its slices ({@link Parameters#slice}, made once) that {@link #step(Parameters)} makes on one run's
     * slabs, so a packed run is updated as it would be alone. Each run of a pack has an AdamW of its own.
     */
    public void step(Parameters params, int run) {
        if (slicesOf != params || slicesRun != run) {
            slices = new Buffer[]{params.slice(params.values(), run), params.slice(params.grads(), run),
                    params.slice(params.firstMoment(), run), params.slice(params.secondMoment(), run)};
            slicesOf = params;
            slicesRun = run;
        }
        step++;
        update(slices[0], slices[1], slices[2], slices[3], params);
    }

    private void update(Buffer values, Buffer grads, Buffer first, Buffer second, Parameters params) {
        params.backend().adamwUpdate(values, grads, first, second, params.count(), config.learningRate(),
                config.beta1(), config.beta2(), config.eps(), config.weightDecay(), step);
    }

    /** Steps taken so far. */
    public long steps() {
        return step;
    }

    public AdamWConfig config() {
        return config;
    }
}

package org.samplex.api.learn;

/**
 * AdamW hyperparameters, as torch.optim.AdamW. The paper's values are the default: lr 1e-3, betas 0.9/0.999,
 * eps 1e-8, weight decay 0.1 (the authors' code uses 0.01).
 */
public record AdamWConfig(double learningRate, double beta1, double beta2, double eps, double weightDecay) {

    public AdamWConfig {
        check("learning-rate", learningRate, 0, 10, false);
        check("beta1", beta1, 0, 1, true);
        check("beta2", beta2, 0, 1, true);
        check("adam-eps", eps, 0, 1, false);
        if (!(weightDecay >= 0 && weightDecay <= 10)) {
            throw new IllegalArgumentException("parameter 'weight-decay' must be a number in [0, 10], got " + weightDecay);
        }
    }

    private static void check(String name, double v, double lo, double hi, boolean openHigh) {
        boolean ok = v > lo && (openHigh ? v < hi : v <= hi);
        if (!ok) {
            throw new IllegalArgumentException("parameter '" + name + "' must be a number in (" + lo + ", " + hi
                    + (openHigh ? ")" : "]") + ", got " + v);
        }
    }

    /** The paper's settings. */
    public static AdamWConfig paper() {
        return new AdamWConfig(1e-3, 0.9, 0.999, 1e-8, 0.1);
    }
}

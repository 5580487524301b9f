package org.samplex.experiment;

/**
 * When a fixed-n run stops by its training rule (docs/qstr.md section 4.1, the authors' Figure 2): after
 * ceil(epochs n / B) steps, or at the end of the first epoch whose mean training loss is below {@code stop-loss}.
 * Step s ends in epoch floor(((s + 1) B - 1) / n); epoch e is over after the step at which (s + 1) B &gt;= (e + 1) n,
 * and its mean loss is the mean over the steps that ended in it (a step that straddles two epochs counts, whole,
 * in the later one). One per run.
 */
final class EpochRule {
    private final long n;
    private final int batch;
    private final Double stopLoss;
    private long epoch;
    private double sum;
    private long steps;
    private double lastMean = Double.NaN;

    EpochRule(RunSpec spec) {
        this.n = spec.trainSet();
        this.batch = spec.batch();
        this.stopLoss = spec.stopLoss();
    }

    /** The step count at which the epochs allowed are over, or {@code Long.MAX_VALUE} when none are given. */
    static long lastStep(RunSpec spec) {
        if (spec.epochs() == null) {
            return Long.MAX_VALUE;
        }
        long prompts = spec.epochs() * spec.trainSet();
        return (prompts + spec.batch() - 1) / spec.batch();
    }

    /** Whether the rule needs every step's training loss (it does when it watches the loss). */
    boolean watchesLoss() {
        return stopLoss != null;
    }

    /**
     * Adds the loss of step {@code step} (counted from 0); true when that step ended an epoch whose mean training
     * loss is below the target.
     */
    boolean afterStep(long step, double loss) {
        sum += loss;
        steps++;
        if ((step + 1) * batch < (epoch + 1) * n) {
            return false;
        }
        lastMean = sum / steps;
        epoch = (step + 1) * batch / n;
        sum = 0;
        steps = 0;
        return stopLoss != null && lastMean < stopLoss;
    }

    /** The mean training loss of the last epoch that ended, NaN before the first. */
    double lastEpochMean() {
        return lastMean;
    }
}

package org.samplex.report;

/**
 * One row of nstar.csv: what one run found for one threshold.
 *
 * @param series    the run's series label (its learner, and the settings that tell it apart from other series)
 * @param learner   the learner's name
 * @param n         N, the task's sequence length
 * @param threshold the test MSE to get below
 * @param seed      the run's seed
 * @param nStar     prompts seen at the first check below the threshold; null when not crossed
 * @param cap       what a censored n* is only known to exceed: the run's cap, or the prompts seen by a run that
 *                  trained to a rule (epochs, training loss) and stopped before it
 * @param outcome   crossed, censored at the cap, or not reached because the run diverged
 */
public record Observation(String series, String learner, int n, double threshold, long seed, Long nStar, long cap,
                          Outcome outcome) {

    /** What a run found for one threshold. */
    public enum Outcome {
        /** Crossed: n* is known. */
        CROSSED,
        /** Not crossed before the cap: n* > cap, counted at the cap as a lower bound. */
        CENSORED,
        /** Not crossed because the run diverged first: no value, counted but never used as one. */
        DIVERGED
    }

    /** The value the statistics use: n*, the cap for a censored run (a lower bound), NaN for a diverged one. */
    public double value() {
        return switch (outcome) {
            case CROSSED -> nStar;
            case CENSORED -> cap;
            case DIVERGED -> Double.NaN;
        };
    }
}

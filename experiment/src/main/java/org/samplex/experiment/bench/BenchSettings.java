package org.samplex.experiment.bench;

/**
 * How much {@link Bench} measures per case.
 *
 * @param warmupSteps  training steps run first and not timed (JIT compilation, kernel compilation, library
 *                     handles, the arena's high-water mark)
 * @param steps        training steps timed without profiling: steps per second come from these alone
 * @param profileSteps training steps run afterwards with profiling on, for the share of each kernel family; 0 skips
 *                     the profile
 * @param toThreshold  whether to also run the online protocol once to the spec's thresholds (time to n*)
 */
public record BenchSettings(int warmupSteps, int steps, int profileSteps, boolean toThreshold) {

    /** Prompts in the test evaluation that is timed (one chunk of the protocol's test set). */
    public static final int EVAL_PROMPTS = 1000;

    /** Most steps of any kind, to catch typos. */
    private static final int MAX_STEPS = 100_000_000;

    public BenchSettings {
        check("warmup-steps", warmupSteps, 0);
        check("steps", steps, 1);
        check("profile-steps", profileSteps, 0);
    }

    private static void check(String option, int value, int min) {
        if (value < min || value > MAX_STEPS) {
            throw new IllegalArgumentException("option '" + option + "' must be in [" + min + ", " + MAX_STEPS
                    + "], got " + value);
        }
    }
}

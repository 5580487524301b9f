package org.samplex.experiment.metering;

/**
 * How much {@link Bench} measures per case.
 *
 * @param warmupSteps  training steps run first and not timed (JIT compilation, kernel compilation, library
 *                     handles, the arena's high-water mark)
 * @param steps        training steps timed without profiling: steps per second come from these alone
 * @param profileSteps training steps run afterwards with profiling on, for the share of each kernel family; 0 skips
 *                     the profile
 * @param toThreshold  whether to also run the online protocol once to the spec's thresholds (time to n*)
 * @param warmupSeconds the least wall time of the warm-up: after warmupSteps, steps go on in blocks of 10 until
 *                     this much time has passed (a kernel called once per step is compiled by C2 only after
 *                     thousands of steps; until then the timed steps would measure the JIT)
 */
public record BenchSettings(int warmupSteps, int steps, int profileSteps, boolean toThreshold,
                            double warmupSeconds) {

    /** Prompts in the test evaluation that is timed (one chunk of the protocol's test set). */
    public static final int EVAL_PROMPTS = 1000;

    /** Most steps of any kind, to catch typos. */
    private static final int MAX_STEPS = 100_000_000;

    /** Warm-up by step count alone. */
    public BenchSettings(int warmupSteps, int steps, int profileSteps, boolean toThreshold) {
        this(warmupSteps, steps, profileSteps, toThreshold, 0);
    }

    public BenchSettings {
        if (!(warmupSeconds >= 0 && warmupSeconds <= 3600)) {
            throw new IllegalArgumentException("option 'warmup-seconds' must be in [0, 3600], got " + warmupSeconds);
        }
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

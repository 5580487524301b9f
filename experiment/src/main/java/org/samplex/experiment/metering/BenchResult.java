package org.samplex.experiment.metering;

import java.util.LinkedHashMap;
import java.util.Map;
import org.samplex.experiment.RunRecord;

/**
 * What {@link Bench} measured for one (learner, task settings) case.
 *
 * @param learner             the learner's name
 * @param learnerOptions      its resolved options
 * @param task                the task's name
 * @param taskOptions         its resolved options
 * @param positions           N, the task's sequence length
 * @param backend             the backend's name
 * @param threads             its host threads
 * @param batch               prompts per step
 * @param parameterCount      the learner's parameters
 * @param settings            the steps run
 * @param timedSeconds        wall time of the {@code settings.steps()} unprofiled steps
 * @param profiledSeconds     wall time of the profiled steps (slower: synchronized after every kernel call)
 * @param evalSeconds         wall time of one evaluation of {@link BenchSettings#EVAL_PROMPTS} test prompts
 * @param checkEvery          steps between the protocol's test evaluations, for the evaluation share
 * @param testSize            prompts in the protocol's test set, for the evaluation share
 * @param shares              percent of a protocol run's time per family, summing to 100; empty without a profile
 * @param calls               kernel calls per profiled step and family (the families a step calls: not
 *                            evaluation or host); empty without a profile
 * @param run                 the protocol run to the spec's thresholds (n* is its last crossing), or null when
 *                            not asked for
 */
public record BenchResult(String learner, Map<String, Object> learnerOptions, String task,
                          Map<String, Object> taskOptions, int positions, String backend, int threads, int batch,
                          long parameterCount, BenchSettings settings, double timedSeconds, double profiledSeconds,
                          double evalSeconds, int checkEvery, int testSize, Map<KernelFamily, Double> shares,
                          Map<KernelFamily, Double> calls, RunRecord run) {

    public BenchResult {
        learnerOptions = Map.copyOf(learnerOptions);
        taskOptions = Map.copyOf(taskOptions);
        shares = Map.copyOf(shares);
        calls = Map.copyOf(calls);
    }

    /** Training steps per second, without profiling. */
    public double stepsPerSecond() {
        return settings.steps() / timedSeconds;
    }

    /** Training prompts per second, without profiling. */
    public double promptsPerSecond() {
        return stepsPerSecond() * batch;
    }

    /** Milliseconds per training step, without profiling. */
    public double msPerStep() {
        return 1e3 * timedSeconds / settings.steps();
    }

    /** Milliseconds per profiled step (the profile's own cost shows as the difference to {@link #msPerStep}). */
    public double profiledMsPerStep() {
        return settings.profileSteps() == 0 ? Double.NaN : 1e3 * profiledSeconds / settings.profileSteps();
    }

    /** The result as a JSON-ready map (snake_case keys). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("learner", learner);
        m.put("learner_options", learnerOptions);
        m.put("task", task);
        m.put("task_options", taskOptions);
        m.put("N", positions);
        m.put("backend", backend);
        m.put("threads", threads);
        m.put("batch", batch);
        m.put("parameters", parameterCount);
        m.put("warmup_steps", settings.warmupSteps());
        m.put("steps", settings.steps());
        m.put("profile_steps", settings.profileSteps());
        m.put("steps_per_second", stepsPerSecond());
        m.put("prompts_per_second", promptsPerSecond());
        m.put("ms_per_step", msPerStep());
        m.put("profiled_ms_per_step", settings.profileSteps() == 0 ? null : profiledMsPerStep());
        m.put("eval_ms", 1e3 * evalSeconds);
        m.put("eval_prompts", BenchSettings.EVAL_PROMPTS);
        m.put("check_every", checkEvery);
        m.put("test_size", testSize);
        m.put("shares_percent", byKey(shares));
        m.put("calls", byKey(calls));
        if (run != null) {
            Map<String, Object> r = new LinkedHashMap<>();
            RunRecord.Crossing c = run.crossings().getLast();
            r.put("threshold", c.threshold());
            r.put("n_star", c.nStar());
            r.put("status", run.status().label());
            r.put("steps", run.steps());
            r.put("wall_seconds", run.wallSeconds());
            m.put("to_threshold", r);
        }
        return m;
    }

    private static Map<String, Object> byKey(Map<KernelFamily, Double> values) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (KernelFamily f : KernelFamily.values()) {
            if (values.containsKey(f)) {
                m.put(f.key(), values.get(f));
            }
        }
        return m;
    }
}

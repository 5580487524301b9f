package org.samplex.experiment;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Builds a {@link RunSpec}; every setter returns this builder, {@link #build} validates (the spec checks). */
public final class RunSpecBuilder {
    private String learner;
    private final Map<String, Object> learnerOptions = new LinkedHashMap<>();
    private String task;
    private final Map<String, Object> taskOptions = new LinkedHashMap<>();
    private long seed;
    private final Map<Setting<?>, Object> settings = new LinkedHashMap<>();

    RunSpecBuilder(String learner, String task) {
        this.learner = learner;
        this.task = task;
        for (Setting<?> s : Settings.ALL) {
            settings.put(s, s.defaultValue());
        }
    }

    RunSpecBuilder(RunSpec s) {
        this(s.learner(), s.task());
        learnerOptions.putAll(s.learnerOptions());
        taskOptions.putAll(s.taskOptions());
        seed = s.seed();
        settings.putAll(s.settings());
    }

    /** Sets a setting's value (null: none, for an optional setting). */
    public <T> RunSpecBuilder set(Setting<T> setting, T value) {
        settings.put(setting, value);
        return this;
    }

    /**
     * Sets a setting from a value of its kind as a reader or caller has it (a Long for an INT setting is
     * fine, checked to fit), for code that walks {@link Settings#ALL}. A convention is applied as
     * {@link #convention} applies it.
     */
    public RunSpecBuilder setValue(Setting<?> setting, Object value) {
        if (setting == Settings.CONVENTION) {
            return convention(value == null ? null : Convention.of((String) value));
        }
        settings.put(setting, setting.cast(value, "option '" + setting.name() + "'"));
        return this;
    }

    public RunSpecBuilder learner(String name) {
        this.learner = name;
        return this;
    }

    public RunSpecBuilder task(String name) {
        this.task = name;
        return this;
    }

    public RunSpecBuilder learnerOption(String key, Object value) {
        learnerOptions.put(key, value);
        return this;
    }

    /** Replaces all learner options. */
    public RunSpecBuilder learnerOptions(Map<String, ?> options) {
        learnerOptions.clear();
        learnerOptions.putAll(options);
        return this;
    }

    public RunSpecBuilder taskOption(String key, Object value) {
        taskOptions.put(key, value);
        return this;
    }

    /** Replaces all task options. */
    public RunSpecBuilder taskOptions(Map<String, ?> options) {
        taskOptions.clear();
        taskOptions.putAll(options);
        return this;
    }

    public RunSpecBuilder seed(long seed) {
        this.seed = seed;
        return this;
    }

    public RunSpecBuilder taskSeed(long taskSeed) {
        return set(Settings.TASK_SEED, taskSeed);
    }

    public RunSpecBuilder batch(int batch) {
        return set(Settings.BATCH, batch);
    }

    public RunSpecBuilder learningRate(double learningRate) {
        return set(Settings.LEARNING_RATE, learningRate);
    }

    public RunSpecBuilder weightDecay(double weightDecay) {
        return set(Settings.WEIGHT_DECAY, weightDecay);
    }

    public RunSpecBuilder betas(double beta1, double beta2) {
        return set(Settings.BETA1, beta1).set(Settings.BETA2, beta2);
    }

    public RunSpecBuilder eps(double eps) {
        return set(Settings.EPS, eps);
    }

    /** Steps between checks; null for the task's default. */
    public RunSpecBuilder checkEvery(Integer checkEvery) {
        return set(Settings.CHECK_EVERY, checkEvery);
    }

    public RunSpecBuilder testSize(int testSize) {
        return set(Settings.TEST_SIZE, testSize);
    }

    public RunSpecBuilder cap(long cap) {
        return set(Settings.CAP, cap);
    }

    /** Replaces the ladder. */
    public RunSpecBuilder thresholds(List<Double> thresholds) {
        return set(Settings.THRESHOLDS, List.copyOf(Objects.requireNonNull(thresholds, "thresholds")));
    }

    /** Replaces the ladder. */
    public RunSpecBuilder thresholds(double... thresholds) {
        return set(Settings.THRESHOLDS, java.util.Arrays.stream(thresholds).boxed().toList());
    }

    public RunSpecBuilder backend(String backend) {
        return set(Settings.BACKEND, backend);
    }

    public RunSpecBuilder threads(int threads) {
        return set(Settings.THREADS, threads);
    }

    /** Whether the record keeps the learner's explanation matrices (false). */
    public RunSpecBuilder inspect(boolean inspect) {
        return set(Settings.INSPECT, inspect);
    }

    /** Prompts of the fixed-n protocol; null (the default) for the online protocol. */
    public RunSpecBuilder trainSet(Long trainSet) {
        return set(Settings.TRAIN_SET, trainSet);
    }

    /**
     * Starts from a convention's settings (every setting a convention sets: weight decay, test-set size; the
     * test variant is added when the spec is resolved) and records its name; null records none and changes
     * nothing. Call it before the setters of values given explicitly, which then win.
     */
    public RunSpecBuilder convention(Convention c) {
        settings.put(Settings.CONVENTION, c == null ? null : c.word());
        if (c != null) {
            for (Setting<?> s : Settings.ALL) {
                if (s.setByConvention()) {
                    settings.put(s, s.conventionValue(c));
                }
            }
        }
        return this;
    }

    /** Fixed-n: the most passes over the training set; null (the default) for none. */
    public RunSpecBuilder epochs(Integer epochs) {
        return set(Settings.EPOCHS, epochs);
    }

    /** Fixed-n: a fresh order of the training set every epoch (false). */
    public RunSpecBuilder shuffle(boolean shuffle) {
        return set(Settings.SHUFFLE, shuffle);
    }

    /** Fixed-n: stop after the first epoch whose mean training loss is below this; null (default) for never. */
    public RunSpecBuilder stopLoss(Double stopLoss) {
        return set(Settings.STOP_LOSS, stopLoss);
    }

    public RunSpec build() {
        return new RunSpec(learner, learnerOptions, task, taskOptions, seed, settings);
    }
}

package org.samplex.experiment;

import static org.samplex.experiment.RunSpecChecks.bad;
import static org.samplex.experiment.RunSpecChecks.name;
import static org.samplex.experiment.RunSpecChecks.options;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.samplex.api.learn.AdamWConfig;

/**
 * Everything that decides what one run of the online protocol computes (docs/qstr.md section 4): a pure value whose
 * canonical JSON ({@link #toMap} through {@link Json#canonical}) identifies the run.
 *
 * <p>Randomness: the task's fixed draws (positional codes, link directions) come from {@code taskSeed}, shared
 * by all repetitions as in the authors' code; the run's streams come from {@code seed}: training prompts from
 * {@code RngStream.of(seed, "train")}, the test set from {@code RngStream.of(seed, "test")}, the learner's
 * initialization from the "init" stream the learner derives from {@code seed}.
 *
 * <p>The protocol's settings are declared once, in {@link Settings}: a spec holds a value of each ({@link #get}),
 * and the typed accessors below read the settings every caller knows. Every value is checked here, by its
 * setting and then together (the cap against the batch, the fixed-n options against the training set); a bad
 * value throws {@link IllegalArgumentException} naming the option (as the cli spells it) and the accepted range.
 * Learner and task options are checked against their schemas by {@link OnlineProtocol#resolve}, which also fills
 * in their defaults and {@code checkEvery}.
 *
 * <p>Besides the settings: {@code learner} and {@code task} name the providers ("transformer", "qstr"),
 * {@code learnerOptions} and {@code taskOptions} are their hyperparameters by name (text from a command line or
 * typed values), and {@code seed} seeds the run's train, test and init streams. What each setting means is said
 * where it is declared, in {@link Settings}.
 */
public final class RunSpec {

    private final String learner;
    private final Map<String, Object> learnerOptions;
    private final String task;
    private final Map<String, Object> taskOptions;
    private final long seed;
    /** A value (or null) for every setting of {@link Settings#ALL}, in its order. */
    private final Map<Setting<?>, Object> settings;

    private RunSpec(String learner, Map<String, Object> learnerOptions, String task, Map<String, Object> taskOptions,
                    long seed, Map<Setting<?>, Object> given) {
        this.learner = name("learner", learner);
        this.task = name("task", task);
        this.learnerOptions = options("learner-option", learnerOptions);
        this.taskOptions = options("task-option", taskOptions);
        this.seed = seed;
        Map<Setting<?>, Object> all = new LinkedHashMap<>();
        for (Setting<?> s : Settings.ALL) {
            all.put(s, checked(s, given.get(s)));
        }
        this.settings = Collections.unmodifiableMap(all);
        if (cap() < batch() || cap() > Settings.MAX_CAP) {
            throw bad("cap", "a number of prompts in [batch = " + batch() + ", " + Settings.MAX_CAP + "]", cap());
        }
        if (trainSet() == null && (epochs() != null || shuffle() || stopLoss() != null)) {
            throw new IllegalArgumentException("options 'epochs', 'shuffle' and 'stop-loss' belong to the fixed-n "
                    + "protocol: give 'train-set' (the number of training prompts) as well");
        }
        if (shuffle() && trainSet() > FixedSetOrder.MAX_SHUFFLED) {
            throw bad("train-set", "at most " + FixedSetOrder.MAX_SHUFFLED + " prompts when shuffled", trainSet());
        }
    }

    private static <T> T checked(Setting<T> s, Object value) {
        T v = s.cast(value, "option '" + s.name() + "'");
        if (v == null && s.defaultValue() != null) {
            throw new IllegalArgumentException("option '" + s.name() + "' needs a value");
        }
        return s.checked(v);
    }

    /** The value of a setting (null when an optional setting has none). */
    @SuppressWarnings("unchecked")
    public <T> T get(Setting<T> setting) {
        return (T) settings.get(setting);
    }

    /** Every setting's value, in the order of {@link Settings#ALL}. */
    public Map<Setting<?>, Object> settings() {
        return settings;
    }

    public String learner() {
        return learner;
    }

    public Map<String, Object> learnerOptions() {
        return learnerOptions;
    }

    public String task() {
        return task;
    }

    public Map<String, Object> taskOptions() {
        return taskOptions;
    }

    public long seed() {
        return seed;
    }

    public long taskSeed() {
        return get(Settings.TASK_SEED);
    }

    public int batch() {
        return get(Settings.BATCH);
    }

    public double learningRate() {
        return get(Settings.LEARNING_RATE);
    }

    public double weightDecay() {
        return get(Settings.WEIGHT_DECAY);
    }

    public double beta1() {
        return get(Settings.BETA1);
    }

    public double beta2() {
        return get(Settings.BETA2);
    }

    public double eps() {
        return get(Settings.EPS);
    }

    public Integer checkEvery() {
        return get(Settings.CHECK_EVERY);
    }

    public int testSize() {
        return get(Settings.TEST_SIZE);
    }

    public long cap() {
        return get(Settings.CAP);
    }

    public List<Double> thresholds() {
        return get(Settings.THRESHOLDS);
    }

    public String backend() {
        return get(Settings.BACKEND);
    }

    public int threads() {
        return get(Settings.THREADS);
    }

    public boolean inspect() {
        return get(Settings.INSPECT);
    }

    public Long trainSet() {
        return get(Settings.TRAIN_SET);
    }

    public String convention() {
        return get(Settings.CONVENTION);
    }

    public Integer epochs() {
        return get(Settings.EPOCHS);
    }

    public boolean shuffle() {
        return get(Settings.SHUFFLE);
    }

    public Double stopLoss() {
        return get(Settings.STOP_LOSS);
    }

    /** Whether the run stops by a training rule (epochs or training loss) rather than when the ladder is crossed. */
    public boolean trainsToRule() {
        return epochs() != null || stopLoss() != null;
    }

    /**
     * The spec that {@link #toMap} wrote (the inverse of {@code toMap}; {@code Json.parse} of its JSON is fine).
     * JSON keeps no number types, so option values come back as Integer when integral and within int range and
     * Double otherwise: the canonical JSON is the same as the original's, and resolving the spec again
     * ({@link OnlineProtocol#resolve}) restores the schema's types (a real option 1.0 written as {@code 1}).
     *
     * @throws IllegalArgumentException for a missing key, a value of the wrong type, or a bad value
     */
    public static RunSpec fromMap(Map<String, Object> map) {
        return RecordReader.spec(map);
    }

    /** A builder with the paper's defaults for everything but the learner, the task and the thresholds. */
    public static Builder builder(String learner, String task) {
        return new Builder(learner, task);
    }

    /** A builder that starts from this spec. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The optimizer settings. */
    public AdamWConfig adamW() {
        return new AdamWConfig(learningRate(), beta1(), beta2(), eps(), weightDecay());
    }

    /** Training steps the cap allows: floor(cap / batch), so prompts seen never exceed the cap. */
    public long maxSteps() {
        return cap() / batch();
    }

    /**
     * The spec as a JSON-ready map (snake_case keys); with {@link Json#canonical} it identifies the run. A setting
     * is written when it is {@link Setting#alwaysWritten} or differs from its default, so that the run keys of
     * earlier specs stay what they were.
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("learner", learner);
        m.put("learner_options", learnerOptions);
        m.put("task", task);
        m.put("task_options", taskOptions);
        m.put("seed", seed);
        settings.forEach((s, v) -> {
            if (s.alwaysWritten() || !Objects.equals(v, s.defaultValue())) {
                m.put(s.jsonKey(), v);
            }
        });
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RunSpec r && learner.equals(r.learner) && learnerOptions.equals(r.learnerOptions)
                && task.equals(r.task) && taskOptions.equals(r.taskOptions) && seed == r.seed
                && settings.equals(r.settings);
    }

    @Override
    public int hashCode() {
        return Objects.hash(learner, learnerOptions, task, taskOptions, seed, settings);
    }

    @Override
    public String toString() {
        return "RunSpec" + toMap();
    }

    /** Builds a {@link RunSpec}; every setter returns this builder, {@link #build} validates. */
    public static final class Builder {
        private String learner;
        private final Map<String, Object> learnerOptions = new LinkedHashMap<>();
        private String task;
        private final Map<String, Object> taskOptions = new LinkedHashMap<>();
        private long seed;
        private final Map<Setting<?>, Object> settings = new LinkedHashMap<>();

        private Builder(String learner, String task) {
            this.learner = learner;
            this.task = task;
            for (Setting<?> s : Settings.ALL) {
                settings.put(s, s.defaultValue());
            }
        }

        private Builder(RunSpec s) {
            this(s.learner, s.task);
            learnerOptions.putAll(s.learnerOptions);
            taskOptions.putAll(s.taskOptions);
            seed = s.seed;
            settings.putAll(s.settings);
        }

        /** Sets a setting's value (null: none, for an optional setting). */
        public <T> Builder set(Setting<T> setting, T value) {
            settings.put(setting, value);
            return this;
        }

        /**
         * Sets a setting from a value of its kind as a reader or caller has it (a Long for an INT setting is
         * fine, checked to fit), for code that walks {@link Settings#ALL}. A convention is applied as
         * {@link #convention} applies it.
         */
        public Builder setValue(Setting<?> setting, Object value) {
            if (setting == Settings.CONVENTION) {
                return convention(value == null ? null : Convention.of((String) value));
            }
            settings.put(setting, setting.cast(value, "option '" + setting.name() + "'"));
            return this;
        }

        public Builder learner(String name) {
            this.learner = name;
            return this;
        }

        public Builder task(String name) {
            this.task = name;
            return this;
        }

        public Builder learnerOption(String key, Object value) {
            learnerOptions.put(key, value);
            return this;
        }

        /** Replaces all learner options. */
        public Builder learnerOptions(Map<String, ?> options) {
            learnerOptions.clear();
            learnerOptions.putAll(options);
            return this;
        }

        public Builder taskOption(String key, Object value) {
            taskOptions.put(key, value);
            return this;
        }

        /** Replaces all task options. */
        public Builder taskOptions(Map<String, ?> options) {
            taskOptions.clear();
            taskOptions.putAll(options);
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder taskSeed(long taskSeed) {
            return set(Settings.TASK_SEED, taskSeed);
        }

        public Builder batch(int batch) {
            return set(Settings.BATCH, batch);
        }

        public Builder learningRate(double learningRate) {
            return set(Settings.LEARNING_RATE, learningRate);
        }

        public Builder weightDecay(double weightDecay) {
            return set(Settings.WEIGHT_DECAY, weightDecay);
        }

        public Builder betas(double beta1, double beta2) {
            return set(Settings.BETA1, beta1).set(Settings.BETA2, beta2);
        }

        public Builder eps(double eps) {
            return set(Settings.EPS, eps);
        }

        /** Steps between checks; null for the task's default. */
        public Builder checkEvery(Integer checkEvery) {
            return set(Settings.CHECK_EVERY, checkEvery);
        }

        public Builder testSize(int testSize) {
            return set(Settings.TEST_SIZE, testSize);
        }

        public Builder cap(long cap) {
            return set(Settings.CAP, cap);
        }

        /** Replaces the ladder. */
        public Builder thresholds(List<Double> thresholds) {
            return set(Settings.THRESHOLDS, List.copyOf(Objects.requireNonNull(thresholds, "thresholds")));
        }

        /** Replaces the ladder. */
        public Builder thresholds(double... thresholds) {
            return set(Settings.THRESHOLDS, java.util.Arrays.stream(thresholds).boxed().toList());
        }

        public Builder backend(String backend) {
            return set(Settings.BACKEND, backend);
        }

        public Builder threads(int threads) {
            return set(Settings.THREADS, threads);
        }

        /** Whether the record keeps the learner's explanation matrices (false). */
        public Builder inspect(boolean inspect) {
            return set(Settings.INSPECT, inspect);
        }

        /** Prompts of the fixed-n protocol; null (the default) for the online protocol. */
        public Builder trainSet(Long trainSet) {
            return set(Settings.TRAIN_SET, trainSet);
        }

        /**
         * Starts from a convention's settings (every setting a convention sets: weight decay, test-set size; the
         * test variant is added when the spec is resolved) and records its name; null records none and changes
         * nothing. Call it before the setters of values given explicitly, which then win.
         */
        public Builder convention(Convention c) {
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
        public Builder epochs(Integer epochs) {
            return set(Settings.EPOCHS, epochs);
        }

        /** Fixed-n: a fresh order of the training set every epoch (false). */
        public Builder shuffle(boolean shuffle) {
            return set(Settings.SHUFFLE, shuffle);
        }

        /** Fixed-n: stop after the first epoch whose mean training loss is below this; null (default) for never. */
        public Builder stopLoss(Double stopLoss) {
            return set(Settings.STOP_LOSS, stopLoss);
        }

        public RunSpec build() {
            return new RunSpec(learner, learnerOptions, task, taskOptions, seed, settings);
        }
    }
}

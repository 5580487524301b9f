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

    RunSpec(String learner, Map<String, Object> learnerOptions, String task, Map<String, Object> taskOptions,
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
    public static RunSpecBuilder builder(String learner, String task) {
        return new RunSpecBuilder(learner, task);
    }

    /** A builder that starts from this spec. */
    public RunSpecBuilder toBuilder() {
        return new RunSpecBuilder(this);
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
}

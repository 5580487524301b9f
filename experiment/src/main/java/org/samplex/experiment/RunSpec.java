package org.samplex.experiment;

import static org.samplex.experiment.RunSpecChecks.bad;
import static org.samplex.experiment.RunSpecChecks.checkInt;
import static org.samplex.experiment.RunSpecChecks.ladder;
import static org.samplex.experiment.RunSpecChecks.name;
import static org.samplex.experiment.RunSpecChecks.options;

import java.util.ArrayList;
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
 * <p>Every component is checked here; a bad value throws {@link IllegalArgumentException} naming the option
 * (as the cli spells it) and the accepted range. Learner and task options are checked against their schemas
 * by {@link OnlineProtocol#resolve}, which also fills in their defaults and {@code checkEvery}.
 *
 * @param learner        learner name ("transformer", "gru", "mlp", ...)
 * @param learnerOptions learner hyperparameters by name (strings from a command line or typed values)
 * @param task           task name ("qstr")
 * @param taskOptions    task settings by name
 * @param taskSeed       seed of the task's fixed randomness (default 0)
 * @param seed           seed of the run's train, test and init streams
 * @param batch          B, prompts per step (64)
 * @param learningRate   AdamW learning rate (1e-3)
 * @param weightDecay    AdamW decoupled weight decay (0.1, the paper; 0.01 in the authors' code)
 * @param beta1          AdamW beta1 (0.9)
 * @param beta2          AdamW beta2 (0.999)
 * @param eps            AdamW epsilon (1e-8)
 * @param checkEvery     steps between test evaluations; null: the task's default (10 general, 100 simple)
 * @param testSize       prompts in the fixed test set (10,000, the paper; 5,000 in the authors' code)
 * @param cap            most training prompts seen before the run stops censored (1,000,000)
 * @param thresholds     the ladder of test-MSE thresholds, sorted descending, without repeats
 * @param backend        backend name, or "auto" for the best available one
 * @param threads        host threads for the backend; 0 means all processors
 * @param inspect        at the end of the run, ask the learner to explain itself ({@code Learner.inspect}) and
 *                       keep the matrices in the record's artifacts (false)
 * @param trainSet       null for the online protocol (a fresh batch every step); n for the fixed-n protocol: the
 *                       training stream is prompts [0, n) reused in epochs, item i of step s's batch being prompt
 *                       (s B + i) mod n, so with n a multiple of B every epoch visits the prompts in the same
 *                       order; with {@code shuffle} the order is reshuffled every epoch (below)
 * @param convention     the {@link Convention} whose defaults the spec started from ("paper-text",
 *                       "authors-code"), or null for none (the builder's own defaults)
 * @param epochs         fixed-n only: stop after this many passes over the training set, that is after
 *                       ceil(epochs n / B) steps (null: only the cap stops the run)
 * @param shuffle        fixed-n only: item k = s B + i of the training order is prompt pi_e(k mod n) with
 *                       e = floor(k / n), pi_e a permutation drawn afresh for every epoch e
 *                       ({@link FixedSetOrder}); false: prompt k mod n
 * @param stopLoss       fixed-n only: stop at the end of the first epoch whose mean training loss (over the steps
 *                       that end in it) is below this value (null: no such rule); with {@code epochs} or
 *                       {@code stopLoss} the run does not stop when the thresholds are crossed, and its last step
 *                       is always checked
 */
public record RunSpec(String learner, Map<String, Object> learnerOptions, String task, Map<String, Object> taskOptions,
                      long taskSeed, long seed, int batch, double learningRate, double weightDecay, double beta1,
                      double beta2, double eps, Integer checkEvery, int testSize, long cap, List<Double> thresholds,
                      String backend, int threads, boolean inspect, Long trainSet, String convention, Integer epochs,
                      boolean shuffle, Double stopLoss) {

    /** The paper's defaults (docs/qstr.md section 4). */
    public static final int DEFAULT_BATCH = 64;
    public static final double DEFAULT_LEARNING_RATE = 1e-3;
    public static final double DEFAULT_WEIGHT_DECAY = 0.1;
    public static final int DEFAULT_TEST_SIZE = 10_000;
    public static final long DEFAULT_CAP = 1_000_000;

    /** Upper bounds that catch typos (a cap of 1e15 prompts would run for centuries). */
    private static final int MAX_BATCH = 1 << 20;
    private static final int MAX_TEST_SIZE = 10_000_000;
    private static final long MAX_CAP = 1_000_000_000_000L;
    private static final int MAX_THREADS = 4096;
    private static final long MAX_TRAIN_SET = 1_000_000_000L;
    private static final int MAX_EPOCHS = 1_000_000;

    public RunSpec {
        learner = name("learner", learner);
        task = name("task", task);
        backend = name("backend", backend);
        learnerOptions = options("learner-option", learnerOptions);
        taskOptions = options("task-option", taskOptions);
        checkInt("batch", batch, 1, MAX_BATCH);
        if (!(learningRate > 0 && learningRate <= 10)) {
            throw bad("lr", "a number in (0, 10]", learningRate);
        }
        if (!(weightDecay >= 0 && weightDecay <= 10)) {
            throw bad("weight-decay", "a number in [0, 10]", weightDecay);
        }
        if (!(beta1 > 0 && beta1 < 1)) {
            throw bad("beta1", "a number in (0, 1)", beta1);
        }
        if (!(beta2 > 0 && beta2 < 1)) {
            throw bad("beta2", "a number in (0, 1)", beta2);
        }
        if (!(eps > 0 && eps <= 1)) {
            throw bad("eps", "a number in (0, 1]", eps);
        }
        if (checkEvery != null) {
            checkInt("check-every", checkEvery, 1, Integer.MAX_VALUE);
        }
        checkInt("test-size", testSize, 1, MAX_TEST_SIZE);
        if (cap < batch || cap > MAX_CAP) {
            throw bad("cap", "a number of prompts in [batch = " + batch + ", " + MAX_CAP + "]", cap);
        }
        thresholds = ladder(thresholds);
        checkInt("threads", threads, 0, MAX_THREADS);
        if (trainSet != null) {
            checkInt("train-set", trainSet, 1, MAX_TRAIN_SET);
        }
        if (convention != null) {
            convention = Convention.of(convention).word();
        }
        if (trainSet == null && (epochs != null || shuffle || stopLoss != null)) {
            throw new IllegalArgumentException("options 'epochs', 'shuffle' and 'stop-loss' belong to the fixed-n "
                    + "protocol: give 'train-set' (the number of training prompts) as well");
        }
        if (epochs != null) {
            checkInt("epochs", epochs, 1, MAX_EPOCHS);
        }
        if (shuffle && trainSet > FixedSetOrder.MAX_SHUFFLED) {
            throw bad("train-set", "at most " + FixedSetOrder.MAX_SHUFFLED + " prompts when shuffled", trainSet);
        }
        if (stopLoss != null && !(stopLoss > 0 && Double.isFinite(stopLoss))) {
            throw bad("stop-loss", "a finite training loss > 0", stopLoss);
        }
    }

    /** Whether the run stops by a training rule (epochs or training loss) rather than when the ladder is crossed. */
    public boolean trainsToRule() {
        return epochs != null || stopLoss != null;
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
        return new AdamWConfig(learningRate, beta1, beta2, eps, weightDecay);
    }

    /** Training steps the cap allows: floor(cap / batch), so prompts seen never exceed the cap. */
    public long maxSteps() {
        return cap / batch;
    }

    /** The spec as a JSON-ready map (snake_case keys); with {@link Json#canonical} it identifies the run. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("learner", learner);
        m.put("learner_options", learnerOptions);
        m.put("task", task);
        m.put("task_options", taskOptions);
        m.put("task_seed", taskSeed);
        m.put("seed", seed);
        m.put("batch", batch);
        m.put("lr", learningRate);
        m.put("weight_decay", weightDecay);
        m.put("beta1", beta1);
        m.put("beta2", beta2);
        m.put("eps", eps);
        m.put("check_every", checkEvery);
        m.put("test_size", testSize);
        m.put("cap", cap);
        m.put("thresholds", thresholds);
        m.put("backend", backend);
        m.put("threads", threads);
        // Present only when not the default, so that the run keys of earlier specs stay what they were.
        if (inspect) {
            m.put("inspect", true);
        }
        if (trainSet != null) {
            m.put("train_set", trainSet);
        }
        if (convention != null) {
            m.put("convention", convention);
        }
        if (epochs != null) {
            m.put("epochs", epochs);
        }
        if (shuffle) {
            m.put("shuffle", true);
        }
        if (stopLoss != null) {
            m.put("stop_loss", stopLoss);
        }
        return m;
    }

    /** Builds a {@link RunSpec}; every setter returns this builder, {@link #build} validates. */
    public static final class Builder {
        private String learner;
        private final Map<String, Object> learnerOptions = new LinkedHashMap<>();
        private String task;
        private final Map<String, Object> taskOptions = new LinkedHashMap<>();
        private long taskSeed;
        private long seed;
        private int batch = DEFAULT_BATCH;
        private double learningRate = DEFAULT_LEARNING_RATE;
        private double weightDecay = DEFAULT_WEIGHT_DECAY;
        private double beta1 = 0.9;
        private double beta2 = 0.999;
        private double eps = 1e-8;
        private Integer checkEvery;
        private int testSize = DEFAULT_TEST_SIZE;
        private long cap = DEFAULT_CAP;
        private final List<Double> thresholds = new ArrayList<>();
        private String backend = "auto";
        private int threads;
        private boolean inspect;
        private Long trainSet;
        private String convention;
        private Integer epochs;
        private boolean shuffle;
        private Double stopLoss;

        private Builder(String learner, String task) {
            this.learner = learner;
            this.task = task;
        }

        private Builder(RunSpec s) {
            this(s.learner, s.task);
            learnerOptions.putAll(s.learnerOptions);
            taskOptions.putAll(s.taskOptions);
            taskSeed = s.taskSeed;
            seed = s.seed;
            batch = s.batch;
            learningRate = s.learningRate;
            weightDecay = s.weightDecay;
            beta1 = s.beta1;
            beta2 = s.beta2;
            eps = s.eps;
            checkEvery = s.checkEvery;
            testSize = s.testSize;
            cap = s.cap;
            thresholds.addAll(s.thresholds);
            backend = s.backend;
            threads = s.threads;
            inspect = s.inspect;
            trainSet = s.trainSet;
            convention = s.convention;
            epochs = s.epochs;
            shuffle = s.shuffle;
            stopLoss = s.stopLoss;
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

        public Builder taskSeed(long taskSeed) {
            this.taskSeed = taskSeed;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder batch(int batch) {
            this.batch = batch;
            return this;
        }

        public Builder learningRate(double learningRate) {
            this.learningRate = learningRate;
            return this;
        }

        public Builder weightDecay(double weightDecay) {
            this.weightDecay = weightDecay;
            return this;
        }

        public Builder betas(double beta1, double beta2) {
            this.beta1 = beta1;
            this.beta2 = beta2;
            return this;
        }

        public Builder eps(double eps) {
            this.eps = eps;
            return this;
        }

        /** Steps between checks; null for the task's default. */
        public Builder checkEvery(Integer checkEvery) {
            this.checkEvery = checkEvery;
            return this;
        }

        public Builder testSize(int testSize) {
            this.testSize = testSize;
            return this;
        }

        public Builder cap(long cap) {
            this.cap = cap;
            return this;
        }

        /** Replaces the ladder. */
        public Builder thresholds(List<Double> thresholds) {
            this.thresholds.clear();
            this.thresholds.addAll(Objects.requireNonNull(thresholds, "thresholds"));
            return this;
        }

        /** Replaces the ladder. */
        public Builder thresholds(double... thresholds) {
            this.thresholds.clear();
            for (double t : thresholds) {
                this.thresholds.add(t);
            }
            return this;
        }

        public Builder backend(String backend) {
            this.backend = backend;
            return this;
        }

        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        /** Whether the record keeps the learner's explanation matrices (false). */
        public Builder inspect(boolean inspect) {
            this.inspect = inspect;
            return this;
        }

        /** Prompts of the fixed-n protocol; null (the default) for the online protocol. */
        public Builder trainSet(Long trainSet) {
            this.trainSet = trainSet;
            return this;
        }

        /**
         * Starts from a convention's settings (weight decay, test-set size; the test variant is added when the spec
         * is resolved) and records its name; null records none and changes nothing. Call it before the setters of
         * values given explicitly, which then win.
         */
        public Builder convention(Convention c) {
            this.convention = c == null ? null : c.word();
            if (c != null) {
                weightDecay = c.weightDecay();
                testSize = c.testSize();
            }
            return this;
        }

        /** Fixed-n: the most passes over the training set; null (the default) for none. */
        public Builder epochs(Integer epochs) {
            this.epochs = epochs;
            return this;
        }

        /** Fixed-n: a fresh order of the training set every epoch (false). */
        public Builder shuffle(boolean shuffle) {
            this.shuffle = shuffle;
            return this;
        }

        /** Fixed-n: stop after the first epoch whose mean training loss is below this; null (default) for never. */
        public Builder stopLoss(Double stopLoss) {
            this.stopLoss = stopLoss;
            return this;
        }

        public RunSpec build() {
            return new RunSpec(learner, learnerOptions, task, taskOptions, taskSeed, seed, batch, learningRate,
                    weightDecay, beta1, beta2, eps, checkEvery, testSize, cap, thresholds, backend, threads, inspect,
                    trainSet, convention, epochs, shuffle, stopLoss);
        }
    }
}

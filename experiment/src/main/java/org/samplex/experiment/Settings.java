package org.samplex.experiment;

import static org.samplex.experiment.RunSpecChecks.bad;
import static org.samplex.experiment.RunSpecChecks.checkInt;

import java.util.List;
import org.samplex.experiment.Setting.Kind;

/**
 * The protocol's settings, each declared once (docs/qstr.md section 4 for the paper's values): a run spec holds a
 * value of each, and its JSON, the reader of stored specs, the cli's flags ({@code train}, {@code sweep run},
 * {@code bench}), a sweep plan's keys and grids, and a run's text report are all made from {@link #ALL}. To add a
 * setting, declare it here (name, kind, default, check, help; {@code alwaysInJson} never for a new one, so that
 * earlier run keys stay) and read it where it acts with {@link RunSpec#get}.
 */
public final class Settings {

    /** Upper bounds that catch typos (a cap of 1e15 prompts would run for centuries). */
    static final int MAX_BATCH = 1 << 20;
    static final int MAX_TEST_SIZE = 10_000_000;
    static final long MAX_CAP = 1_000_000_000_000L;
    static final int MAX_THREADS = 4096;
    static final long MAX_TRAIN_SET = 1_000_000_000L;
    static final int MAX_EPOCHS = 1_000_000;

    /**
     * Seed of the task's fixed randomness (positional codes, link directions), shared by all repetitions as in the
     * authors' code.
     */
    public static final Setting<Long> TASK_SEED = Setting.of("task-seed", Kind.LONG, 0L).param("S")
            .help("Seed of the task's fixed draws (positional codes, link directions), shared by repetitions as in "
                    + "the paper").alwaysInJson();

    /** B, prompts per step. */
    public static final Setting<Integer> BATCH = Setting.of("batch", Kind.INT, 64).param("B")
            .help("Prompts per step").check(v -> intIn("batch", v, 1, MAX_BATCH)).alwaysInJson();

    public static final Setting<Double> LEARNING_RATE = Setting.of("lr", Kind.REAL, 1e-3).param("RATE")
            .label("lr").help("AdamW learning rate").check(v -> within("lr", v, 0, false, 10, "(0, 10]"))
            .alwaysInJson();

    /** AdamW's decoupled weight decay: 0.1 in the paper's text, 0.01 in the authors' code. */
    public static final Setting<Double> WEIGHT_DECAY = Setting.of("weight-decay", Kind.REAL, 0.1).param("WD")
            .help("AdamW decoupled weight decay (the paper's text: 0.1; the authors' code: 0.01)")
            .check(v -> within("weight-decay", v, 0, true, 10, "[0, 10]")).byConvention(Convention::weightDecay)
            .alwaysInJson();

    public static final Setting<Double> BETA1 = Setting.of("beta1", Kind.REAL, 0.9).param("B1")
            .help("AdamW beta1").check(v -> within("beta1", v, 0, false, 1, "(0, 1)", false)).alwaysInJson();

    public static final Setting<Double> BETA2 = Setting.of("beta2", Kind.REAL, 0.999).param("B2")
            .help("AdamW beta2").check(v -> within("beta2", v, 0, false, 1, "(0, 1)", false)).alwaysInJson();

    public static final Setting<Double> EPS = Setting.of("eps", Kind.REAL, 1e-8).param("E")
            .help("AdamW epsilon").check(v -> within("eps", v, 0, false, 1, "(0, 1]")).alwaysInJson();

    /** Steps between test evaluations; null: the task's default (10 general, 100 simple). */
    public static final Setting<Integer> CHECK_EVERY = Setting.<Integer>of("check-every", Kind.INT, null)
            .param("STEPS").help("Steps between test evaluations; default: the task's (10 general, 100 simple)")
            .check(v -> intIn("check-every", v, 1, Integer.MAX_VALUE)).alwaysInJson();

    /** Prompts in the fixed test set, prompts [0, testSize) of {@code RngStream.of(seed, "test")}. */
    public static final Setting<Integer> TEST_SIZE = Setting.of("test-size", Kind.INT, 10_000).param("PROMPTS")
            .label("test set").help("Prompts in the fixed test set")
            .check(v -> intIn("test-size", v, 1, MAX_TEST_SIZE)).byConvention(Convention::testSize)
            .alwaysInJson();

    /** Most training prompts seen before the run stops censored; checked against the batch by {@link RunSpec}. */
    public static final Setting<Long> CAP = Setting.of("cap", Kind.LONG, 1_000_000L).param("PROMPTS")
            .help("Most training prompts before a run stops censored").alwaysInJson(); // checked with the batch

    /** The ladder of test-MSE thresholds, kept sorted descending, without repeats. */
    public static final Setting<List<Double>> THRESHOLDS = Setting.<List<Double>>of("thresholds", Kind.REALS,
                    List.of()).param("EPS")
            .help("Test MSE thresholds: one, or a ladder such as 0.9,0.7,0.5 recorded in one run")
            .check(RunSpecChecks::ladder).alwaysInJson();

    /** Backend name, or "auto" for the best available one. */
    public static final Setting<String> BACKEND = Setting.of("backend", Kind.WORD, "auto").param("NAME")
            .help("auto (the best available, said on stderr), cpu, reference or cuda")
            .check(v -> RunSpecChecks.name("backend", v)).alwaysInJson();

    /**
     * Host threads for the backend; 0 means all processors. Left out of run keys: only the order of float additions
     * depends on it.
     */
    public static final Setting<Integer> THREADS = Setting.of("threads", Kind.INT, 0).param("N")
            .help("Host threads for the backend (a sweep: for all its runs together); 0 means all processors")
            .check(v -> intIn("threads", v, 0, MAX_THREADS)).alwaysInJson().notInPlans();

    /**
     * At the end of the run, ask the learner to explain itself ({@code Learner.inspect}) and keep the matrices in
     * the record's artifacts.
     */
    public static final Setting<Boolean> INSPECT = Setting.of("inspect", Kind.FLAG, false)
            .help("Keep the trained learner's matrices (a transformer's W_Q^T W_K and attention per head on test "
                    + "prompt 0) in the run record, for samplex report");

    /**
     * Null for the online protocol (a fresh batch every step); n for the fixed-n protocol: the training stream is
     * prompts [0, n) reused in epochs, item i of step s's batch being prompt (s B + i) mod n, so with n a multiple
     * of B every epoch visits the prompts in the same order; with {@link #SHUFFLE} the order is redrawn every epoch.
     */
    public static final Setting<Long> TRAIN_SET = Setting.<Long>of("train-set", Kind.LONG, null).param("PROMPTS")
            .label("fixed training set").help("Fixed-n protocol: train on the first PROMPTS prompts of the "
                    + "training stream, reused in epochs (item i of step s is prompt (s*B + i) mod PROMPTS); "
                    + "default: online, fresh prompts")
            .check(v -> intIn("train-set", v, 1, MAX_TRAIN_SET));

    /** The {@link Convention} whose defaults the spec started from, or null for none (the builder's own defaults). */
    public static final Setting<String> CONVENTION = Setting.<String>of("convention", Kind.WORD, null)
            .param("NAME").help("Start from the settings of a convention: authors-code (weight decay 0.01, 5,000 "
                    + "test prompts of the simple variant: what produced the paper's plotted numbers) or "
                    + "paper-text (0.1, 10,000, the training variant: what the paper's text states). Options "
                    + "given explicitly win. Default: none (the paper-text values, unrecorded)")
            .check(v -> Convention.of(v).word());

    /**
     * Fixed-n only: stop after this many passes over the training set, that is after ceil(epochs n / B) steps (null:
     * only the cap stops the run).
     */
    public static final Setting<Integer> EPOCHS = Setting.<Integer>of("epochs", Kind.INT, null).param("E")
            .help("Fixed-n protocol: stop after E passes over the training set (needs --train-set); the run then "
                    + "trains to this rule instead of stopping at the thresholds")
            .check(v -> intIn("epochs", v, 1, MAX_EPOCHS));

    /**
     * Fixed-n only: item k = s B + i of the training order is prompt pi_e(k mod n) with e = floor(k / n), pi_e a
     * permutation drawn afresh for every epoch e ({@link FixedSetOrder}); false: prompt k mod n.
     */
    public static final Setting<Boolean> SHUFFLE = Setting.of("shuffle", Kind.FLAG, false)
            .help("Fixed-n protocol: a fresh order of the training set every epoch, seeded by the run's seed "
                    + "(needs --train-set)");

    /**
     * Fixed-n only: stop at the end of the first epoch whose mean training loss (over the steps that end in it) is
     * below this value (null: no such rule). With {@link #EPOCHS} or this, the run does not stop when the thresholds
     * are crossed, and its last step is always checked.
     */
    public static final Setting<Double> STOP_LOSS = Setting.<Double>of("stop-loss", Kind.REAL, null).param("LOSS")
            .help("Fixed-n protocol: stop at the end of the first epoch whose mean training loss is below LOSS "
                    + "(needs --train-set; the authors' Figure 2: 0.05)")
            .check(v -> {
                if (!(v > 0 && Double.isFinite(v))) {
                    throw bad("stop-loss", "a finite training loss > 0", v);
                }
                return v;
            });

    /** Checks in a row below a threshold that make it crossed, n* being the prompts seen at the first of them. */
    public static final Setting<Integer> CONFIRM_CHECKS = Setting.of("confirm-checks", Kind.INT, 1).param("K")
            .help("A threshold counts as crossed at the first of K consecutive checks below it (n* is the prompts "
                    + "seen at that first check), so that one lucky check does not decide n*")
            .check(v -> intIn("confirm-checks", v, 1, 1000));

    /** Every setting, in the order of a spec's JSON and of the flags' help. */
    public static final List<Setting<?>> ALL = List.of(TASK_SEED, BATCH, LEARNING_RATE, WEIGHT_DECAY, BETA1, BETA2,
            EPS, CHECK_EVERY, TEST_SIZE, CAP, THRESHOLDS, BACKEND, THREADS, INSPECT, TRAIN_SET, CONVENTION, EPOCHS,
            SHUFFLE, STOP_LOSS, CONFIRM_CHECKS);

    private Settings() {
    }

    /** The setting named {@code name} (as a flag or plan key spells it); null when there is none. */
    public static Setting<?> named(String name) {
        for (Setting<?> s : ALL) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        return null;
    }

    private static <N extends Number> N intIn(String name, N v, long lo, long hi) {
        checkInt(name, v.longValue(), lo, hi);
        return v;
    }

    private static Double within(String name, double v, double lo, boolean loIncluded, double hi, String range) {
        return within(name, v, lo, loIncluded, hi, range, true);
    }

    private static Double within(String name, double v, double lo, boolean loIncluded, double hi, String range,
                                 boolean hiIncluded) {
        boolean above = loIncluded ? v >= lo : v > lo;
        boolean below = hiIncluded ? v <= hi : v < hi;
        if (!(above && below)) {
            throw bad(name, "a number in " + range, v);
        }
        return v;
    }
}

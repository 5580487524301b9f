package org.samplex.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.samplex.experiment.Convention;
import org.samplex.experiment.RunSpec;
import picocli.CommandLine.Option;

/**
 * The protocol's flags, shared by {@code train} and {@code sweep run} (a picocli mixin). A flag not given is null,
 * so that a sweep can tell "not given" (the plan file's value stands) from a value; {@code train} fills in the
 * paper's defaults ({@link RunSpec.Builder}). In a sweep, option values may list several values separated by
 * commas, one run each.
 */
final class ProtocolOptions {

    @Option(names = "--task", paramLabel = "NAME", description = "The task (samplex list tasks); default: qstr.")
    String task;

    @Option(names = "--task-option", paramLabel = "KEY=VALUE",
            description = "A task setting (repeatable; samplex list tasks shows them). In a sweep, VALUE may be a "
                    + "list, one run each: q=1,2.")
    Map<String, String> taskOptions = new LinkedHashMap<>();

    @Option(names = "--learner-option", paramLabel = "KEY=VALUE",
            description = "A learner hyperparameter (repeatable; samplex list learners shows them). In a sweep, "
                    + "VALUE may be a list (heads=1,2,3) and KEY may name one learner (gru.hidden=128); a KEY "
                    + "without a learner goes to every learner that has it.")
    Map<String, String> learnerOptions = new LinkedHashMap<>();

    @Option(names = {"--threshold", "--thresholds"}, split = ",", paramLabel = "EPS",
            description = "Test MSE thresholds: one, or a ladder such as 0.9,0.7,0.5 recorded in one run.")
    List<Double> thresholds;

    @Option(names = "--cap", paramLabel = "PROMPTS",
            description = "Most training prompts before a run stops censored; default: " + RunSpec.DEFAULT_CAP + ".")
    Long cap;

    @Option(names = "--test-size", paramLabel = "PROMPTS",
            description = "Prompts in the fixed test set; default: " + RunSpec.DEFAULT_TEST_SIZE
                    + " (the authors' code: 5000).")
    Integer testSize;

    @Option(names = "--check-every", paramLabel = "STEPS",
            description = "Steps between test evaluations; default: the task's (10 general, 100 simple).")
    Integer checkEvery;

    @Option(names = "--batch", paramLabel = "B",
            description = "Prompts per step; default: " + RunSpec.DEFAULT_BATCH + ".")
    Integer batch;

    @Option(names = "--lr", paramLabel = "RATE",
            description = "AdamW learning rate; default: " + RunSpec.DEFAULT_LEARNING_RATE + ".")
    Double learningRate;

    @Option(names = "--weight-decay", paramLabel = "WD",
            description = "AdamW weight decay; default: " + RunSpec.DEFAULT_WEIGHT_DECAY
                    + " (the paper; the authors' code: 0.01).")
    Double weightDecay;

    @Option(names = "--backend", paramLabel = "NAME",
            description = "auto (the best available, said on stderr), cpu, reference or cuda; default: auto.")
    String backend;

    @Option(names = "--threads", paramLabel = "N",
            description = "Host threads for the backend (a sweep: for all its runs together); 0 (default) means "
                    + "all processors.")
    Integer threads;

    @Option(names = "--task-seed", paramLabel = "S",
            description = "Seed of the task's fixed draws (positional codes, link directions), shared by "
                    + "repetitions as in the paper; default: 0.")
    Long taskSeed;

    @Option(names = "--train-set", paramLabel = "PROMPTS",
            description = "Fixed-n protocol: train on the first PROMPTS prompts of the training stream, reused in "
                    + "epochs (item i of step s is prompt (s*B + i) mod PROMPTS); default: online, fresh prompts.")
    Long trainSet;

    @Option(names = "--epochs", paramLabel = "E",
            description = "Fixed-n protocol: stop after E passes over the training set (needs --train-set); the run "
                    + "then trains to this rule instead of stopping at the thresholds.")
    Integer epochs;

    @Option(names = "--shuffle", description = "Fixed-n protocol: a fresh order of the training set every epoch, "
            + "seeded by the run's seed (needs --train-set).")
    Boolean shuffle;

    @Option(names = "--stop-loss", paramLabel = "LOSS",
            description = "Fixed-n protocol: stop at the end of the first epoch whose mean training loss is below "
                    + "LOSS (needs --train-set; the authors' Figure 2: 0.05).")
    Double stopLoss;

    @Option(names = "--convention", paramLabel = "NAME",
            description = "Start from the settings of a convention: authors-code (weight decay 0.01, 5,000 test "
                    + "prompts of the simple variant: what produced the paper's plotted numbers) or paper-text "
                    + "(0.1, 10,000, the training variant: what the paper's text states). Options given explicitly "
                    + "win. Default: none (the paper-text values, unrecorded).")
    String convention;

    @Option(names = "--inspect", description = "Keep the trained learner's matrices (a transformer's W_Q^T W_K and "
            + "attention per head on test prompt 0) in the run record, for samplex report.")
    Boolean inspect;

    /** The backend asked for: the flag, or "auto". */
    String backendOrAuto() {
        return backend != null ? backend : "auto";
    }

    /** Sets on the builder every protocol value that was given; the others keep the builder's defaults. */
    RunSpec.Builder applyTo(RunSpec.Builder b) {
        b.convention(convention == null ? null : Convention.of(convention)); // first: the values given below win
        b.checkEvery(checkEvery).trainSet(trainSet).backend(backendOrAuto());
        setIfGiven(thresholds, b::thresholds);
        setIfGiven(cap, b::cap);
        setIfGiven(testSize, b::testSize);
        setIfGiven(batch, b::batch);
        setIfGiven(learningRate, b::learningRate);
        setIfGiven(weightDecay, b::weightDecay);
        setIfGiven(threads, b::threads);
        setIfGiven(taskSeed, b::taskSeed);
        setIfGiven(inspect, b::inspect);
        b.epochs(epochs).stopLoss(stopLoss);
        setIfGiven(shuffle, b::shuffle);
        return b;
    }

    private static <T> void setIfGiven(T value, Consumer<T> set) {
        if (value != null) {
            set.accept(value);
        }
    }

    /**
     * The flags that were given as sweep-plan keys (see {@code org.samplex.sweep.Grid}); threads are
     * not a plan key (they depend on the workers) and are left out.
     */
    Map<String, Object> planKeys() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("task", task);
        m.put("thresholds", thresholds == null ? null : thresholds.stream().map(String::valueOf).toList());
        m.put("cap", cap);
        m.put("test-size", testSize);
        m.put("check-every", checkEvery);
        m.put("batch", batch);
        m.put("lr", learningRate);
        m.put("weight-decay", weightDecay);
        m.put("task-seed", taskSeed);
        m.put("train-set", trainSet);
        m.put("epochs", epochs);
        m.put("shuffle", shuffle);
        m.put("stop-loss", stopLoss);
        m.put("inspect", inspect);
        m.put("backend", backend);
        m.put("convention", convention);
        if (!taskOptions.isEmpty()) {
            m.put("task-options", lists(taskOptions));
        }
        if (!learnerOptions.isEmpty()) {
            m.put("learner-options", lists(learnerOptions));
        }
        return m;
    }

    /** KEY=a,b,c as KEY: [a, b, c]. */
    private static Map<String, Object> lists(Map<String, String> options) {
        Map<String, Object> out = new LinkedHashMap<>();
        options.forEach((k, v) -> out.put(k, new ArrayList<>(Arrays.asList(v.split(",", -1)))));
        return out;
    }
}

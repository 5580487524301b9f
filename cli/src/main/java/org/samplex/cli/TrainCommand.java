package org.samplex.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.samplex.api.Services;
import org.samplex.experiment.OnlineProtocol;
import org.samplex.experiment.RunRecord;
import org.samplex.experiment.RunRecord.Crossing;
import org.samplex.experiment.RunRecord.CurvePoint;
import org.samplex.experiment.RunSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code samplex train}: one run of the online protocol, reporting n* per threshold. Every option is checked
 * (learner and task options against their schemas) before a backend opens. A censored or diverged run is a
 * result and exits 0.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains one learner on one task with the online protocol: a fresh batch and one AdamW step "
                + "per step, the test MSE every k steps, n* = prompts seen at the first check below each threshold.",
                "Stops when every threshold is crossed, at the cap (censored), or when the loss is NaN or "
                        + "infinite (diverged); all three exit 0.",
                "Example: samplex train --learner transformer --N 8 --thresholds 0.9,0.7"})
final class TrainCommand implements Callable<Integer> {

    @Option(names = "--learner", required = true, paramLabel = "NAME",
            description = "The architecture (samplex list learners).")
    String learner;

    @Option(names = "--task", defaultValue = "qstr", paramLabel = "NAME",
            description = "The task (samplex list tasks); default: ${DEFAULT-VALUE}.")
    String task;

    @Option(names = "--N", paramLabel = "N", description = "Sequence length: short for --task-option N=<N>.")
    Integer positions;

    @Option(names = "--task-option", paramLabel = "KEY=VALUE",
            description = "A task setting (repeatable; samplex list tasks shows them).")
    Map<String, String> taskOptions = new LinkedHashMap<>();

    @Option(names = "--learner-option", paramLabel = "KEY=VALUE",
            description = "A learner hyperparameter (repeatable; samplex list learners shows them).")
    Map<String, String> learnerOptions = new LinkedHashMap<>();

    @Option(names = {"--threshold", "--thresholds"}, required = true, split = ",", paramLabel = "EPS",
            description = "Test MSE thresholds: one, or a ladder such as 0.9,0.7,0.5 recorded in one run.")
    List<Double> thresholds;

    @Option(names = "--cap", defaultValue = "" + RunSpec.DEFAULT_CAP, paramLabel = "PROMPTS",
            description = "Most training prompts before the run stops censored; default: ${DEFAULT-VALUE}.")
    long cap;

    @Option(names = "--test-size", defaultValue = "" + RunSpec.DEFAULT_TEST_SIZE, paramLabel = "PROMPTS",
            description = "Prompts in the fixed test set; default: ${DEFAULT-VALUE} (the authors' code: 5000).")
    int testSize;

    @Option(names = "--check-every", paramLabel = "STEPS",
            description = "Steps between test evaluations; default: the task's (10 general, 100 simple).")
    Integer checkEvery;

    @Option(names = "--batch", defaultValue = "" + RunSpec.DEFAULT_BATCH, paramLabel = "B",
            description = "Prompts per step; default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--lr", defaultValue = "" + RunSpec.DEFAULT_LEARNING_RATE, paramLabel = "RATE",
            description = "AdamW learning rate; default: ${DEFAULT-VALUE}.")
    double learningRate;

    @Option(names = "--weight-decay", defaultValue = "" + RunSpec.DEFAULT_WEIGHT_DECAY, paramLabel = "WD",
            description = "AdamW weight decay; default: ${DEFAULT-VALUE} (the paper; the authors' code: 0.01).")
    double weightDecay;

    @Option(names = "--backend", defaultValue = "auto", paramLabel = "NAME",
            description = "auto (the best available, said on stderr), cpu, reference or cuda; "
                    + "default: ${DEFAULT-VALUE}.")
    String backend;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
            description = "Host threads for the backend; 0 (default) means all processors.")
    int threads;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S",
            description = "Seed of the training stream, test set and initialization; default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--task-seed", defaultValue = "0", paramLabel = "S",
            description = "Seed of the task's fixed draws (positional codes, link directions), shared by "
                    + "repetitions as in the paper; default: ${DEFAULT-VALUE}.")
    long taskSeed;

    @Option(names = "--json", description = "Print the run record as JSON on stdout (and nothing else there).")
    boolean json;

    @Option(names = {"-v", "--verbose"}, description = "Print the stack trace of an internal error.")
    boolean verbose;

    @ParentCommand
    Samplex root;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        RunSpec runSpec = runSpec();
        Services services = root.services();
        PrintWriter err = spec.commandLine().getErr();
        Progress progress = new Progress(err, Progress.stderrIsTerminal(), Progress.PLAIN_INTERVAL_SECONDS,
                "auto".equals(backend));
        RunRecord record;
        try {
            record = OnlineProtocol.run(runSpec, services, progress);
        } finally {
            progress.finish();
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(record.toJson());
        } else {
            report(out, record);
        }
        out.flush();
        return 0;
    }

    /** The spec from the flags; a bad value throws IllegalArgumentException naming it (exit 2). */
    RunSpec runSpec() {
        Map<String, Object> task = new LinkedHashMap<>(taskOptions);
        if (positions != null) {
            String given = taskOptions.get("N");
            if (given != null && !sameInteger(given, positions)) {
                throw new IllegalArgumentException("--N " + positions + " and --task-option N=" + given
                        + " disagree; give one of them");
            }
            task.put("N", positions.toString());
        }
        return RunSpec.builder(learner, this.task).learnerOptions(learnerOptions).taskOptions(task)
                .taskSeed(taskSeed).seed(seed).batch(batch).learningRate(learningRate).weightDecay(weightDecay)
                .checkEvery(checkEvery).testSize(testSize).cap(cap).thresholds(thresholds).backend(backend)
                .threads(threads).build();
    }

    private static boolean sameInteger(String text, int value) {
        try {
            return Integer.parseInt(text.strip()) == value;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The human summary: what ran, n* per threshold, the curve in brief, wall times. */
    static void report(PrintWriter out, RunRecord r) {
        RunSpec s = r.spec();
        out.println("learner " + s.learner() + options(s.learnerOptions()) + ", task " + s.task()
                + options(s.taskOptions()));
        out.println("backend " + r.backend() + " (" + r.threads() + (r.threads() == 1 ? " thread" : " threads")
                + "), seed " + s.seed() + ", task seed " + s.taskSeed() + ", batch " + s.batch() + ", lr "
                + s.learningRate() + ", weight decay " + s.weightDecay() + ", check every " + s.checkEvery()
                + " steps, test set " + count(s.testSize()) + ", " + count(r.parameterCount()) + " parameters");
        out.println("status: " + r.status().label() + " after " + count(r.steps()) + " steps, "
                + count(r.promptsSeen()) + " prompts");
        out.println();
        Table t = new Table().row("THRESHOLD", "N*");
        for (Crossing c : r.crossings()) {
            t.row(Double.toString(c.threshold()), nStar(r, c));
        }
        t.print(out, "  ");
        out.println();
        List<CurvePoint> curve = r.curve();
        if (curve.isEmpty()) {
            out.println("test MSE: no check was made");
        } else {
            CurvePoint best = curve.stream().filter(p -> Double.isFinite(p.testMse()))
                    .min((a, b) -> Double.compare(a.testMse(), b.testMse())).orElse(curve.getLast());
            out.println("test MSE: first " + point(curve.getFirst()) + ", best " + point(best) + ", last "
                    + point(curve.getLast()) + " (" + curve.size() + " checks)");
        }
        out.println(String.format(Locale.ROOT, "wall time: %.1f s training + %.1f s evaluation = %.1f s",
                r.trainSeconds(), r.evalSeconds(), r.wallSeconds()));
    }

    private static String nStar(RunRecord r, Crossing c) {
        if (c.crossed()) {
            return count(c.nStar());
        }
        return switch (r.status()) {
            case DIVERGED -> "not reached (diverged at " + count(r.promptsSeen()) + ")";
            default -> "> " + count(r.spec().cap()) + " (censored)";
        };
    }

    private static String point(CurvePoint p) {
        return String.format(Locale.ROOT, "%.4g at %s", p.testMse(), count(p.promptsSeen()));
    }

    private static String options(Map<String, Object> options) {
        if (options.isEmpty()) {
            return "";
        }
        return options.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(" ", " (", ")"));
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}

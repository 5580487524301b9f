package org.samplex.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.samplex.api.Services;
import org.samplex.api.config.Hyperparameter;
import org.samplex.experiment.Json;
import org.samplex.experiment.RunRecord.Crossing;
import org.samplex.experiment.RunSpec;
import org.samplex.experiment.RunSpecBuilder;
import org.samplex.experiment.Settings;
import org.samplex.experiment.metering.Bench;
import org.samplex.experiment.metering.BenchResult;
import org.samplex.experiment.metering.BenchSettings;
import org.samplex.experiment.metering.KernelFamily;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code samplex bench}: training throughput and where a step's time goes, per learner and sequence length
 * ({@link Bench}); optionally the wall time to n* of one real run. Every case is built and checked as
 * {@code train} builds it, all before a backend opens.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measures training steps per second (fresh batch, forward, mse, backward, AdamW: the "
                + "protocol's step) for each learner and N, and the share of time per kernel family.",
                "Steps per second come from unprofiled steps after warm-up; the shares from a separate profiled "
                        + "pass that synchronizes after every kernel call (slower, so it is not timed for "
                        + "throughput). The evaluation share is that of the protocol's checks (check every k on "
                        + "the test set), from one timed evaluation of 1000 test prompts.",
                "The protocol flags --threshold, --train-set and --inspect do not apply: --to-threshold EPS "
                        + "runs the protocol once to EPS and reports n* and its wall time.",
                "Example: samplex bench --learner transformer,mlp --N 8 --backend cpu"})
final class BenchCommand implements Callable<Integer> {

    /** The learners and lengths benched when none are given. */
    static final List<String> DEFAULT_LEARNERS = List.of("transformer", "gru", "mlp");
    static final List<Integer> DEFAULT_POSITIONS = List.of(12, 64);
    /** Profiled steps when --profile-steps is not given (at most --steps). */
    static final int DEFAULT_PROFILE_STEPS = 50;

    @Option(names = "--learner", split = ",", paramLabel = "NAME",
            description = "Learners to bench (samplex list learners); default: transformer,gru,mlp.")
    List<String> learners;

    @Option(names = "--N", split = ",", paramLabel = "N",
            description = "Sequence lengths (the task option N), one case each; default: 12,64.")
    List<Integer> positions;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S",
            description = "Seed of the training stream, test set and initialization; default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--warmup-steps", defaultValue = "50", paramLabel = "STEPS",
            description = "Untimed steps first (JIT, kernel compilation, library handles); default: "
                    + "${DEFAULT-VALUE}.")
    int warmupSteps;

    @Option(names = "--warmup-seconds", defaultValue = "3", paramLabel = "SECONDS",
            description = "After the warm-up steps, more untimed steps until this much time has passed: the JIT "
                    + "compiles a kernel called once per step only after thousands of steps; default: "
                    + "${DEFAULT-VALUE}.")
    double warmupSeconds;

    @Option(names = "--steps", defaultValue = "200", paramLabel = "STEPS",
            description = "Timed steps, without profiling; default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--profile-steps", paramLabel = "STEPS",
            description = "Profiled steps for the shares, after the timed ones (0: no shares); default: the "
                    + "smaller of --steps and " + DEFAULT_PROFILE_STEPS + ".")
    Integer profileSteps;

    @Option(names = "--to-threshold", paramLabel = "EPS",
            description = "Also run the online protocol once per case until the test MSE is below EPS (with "
                    + "--cap, --test-size, --check-every, --lr, ...) and report n* and its wall seconds.")
    Double toThreshold;

    @Mixin
    ProtocolOptions protocol;

    @Option(names = "--json", description = "Print the results as a JSON array on stdout (and nothing else there).")
    boolean json;

    @Mixin
    Diagnostics diagnostics;

    @ParentCommand
    Samplex root;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Services services = root.services();
        List<RunSpec> specs = specs(services);
        BenchSettings settings = new BenchSettings(warmupSteps, steps,
                profileSteps != null ? profileSteps : Math.min(steps, DEFAULT_PROFILE_STEPS), toThreshold != null,
                warmupSeconds);
        PrintWriter err = spec.commandLine().getErr();
        boolean auto = "auto".equals(protocol.backendOrAuto());
        List<BenchResult> results = Bench.run(specs, services, settings, new Bench.Listener() {
            @Override
            public void backendChosen(String explanation) {
                if (auto) {
                    err.println(explanation);
                    err.flush();
                }
            }

            @Override
            public void starting(RunSpec s) {
                err.println("bench: " + s.learner() + " N=" + s.taskOptions().get("N") + " ...");
                err.flush();
            }
        });
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.write(results.stream().map(BenchResult::toMap).toList()));
        } else {
            report(out, results, settings);
        }
        out.flush();
        return 0;
    }

    /**
     * One spec per (learner, N), learners outer; a bad flag throws IllegalArgumentException naming it (exit 2).
     * A learner option KEY goes to every learner that has it (to all when none has it, so the unknown key is
     * reported); learner.KEY goes to that learner only, and is ignored when that learner is not benched, so one set
     * of options serves any --learner list.
     */
    List<RunSpec> specs(Services services) {
        if (protocol.given(Settings.THRESHOLDS) != null) {
            throw new IllegalArgumentException("bench takes --to-threshold EPS, not --threshold");
        }
        if (Stream.of(Settings.TRAIN_SET, Settings.INSPECT, Settings.EPOCHS, Settings.SHUFFLE, Settings.STOP_LOSS)
                .anyMatch(s -> protocol.given(s) != null)) {
            throw new IllegalArgumentException("bench runs the online protocol: --train-set, --epochs, --shuffle, "
                    + "--stop-loss and --inspect do not apply");
        }
        List<String> names = learners != null ? List.copyOf(new LinkedHashSet<>(learners)) : DEFAULT_LEARNERS;
        String option = protocol.positionsOption(services);
        List<Integer> lengths = positions(option);
        List<RunSpec> specs = new ArrayList<>();
        for (String learner : names) {
            Map<String, Object> options = learnerOptions(services, learner, names);
            for (int n : lengths) {
                Map<String, Object> task = new LinkedHashMap<>(protocol.taskOptions);
                task.put(option, Integer.toString(n));
                RunSpecBuilder b = RunSpec.builder(learner, protocol.taskOrDefault())
                        .learnerOptions(options).taskOptions(task).seed(seed)
                        // RunSpec needs a ladder; without --to-threshold it is never used (below any task's label
                        // variance that qstr has, so that resolving the spec accepts it).
                        .thresholds(toThreshold != null ? toThreshold : 1e-9);
                specs.add(protocol.applyTo(b).build());
            }
        }
        return specs;
    }

    /** --N, or the task's option for N (not both), or the default lengths. */
    private List<Integer> positions(String option) {
        String given = protocol.taskOptions.get(option);
        if (positions != null && given != null) {
            throw new IllegalArgumentException("--N and --task-option " + option + "=" + given + " both give N; "
                    + "give one of them");
        }
        if (positions != null) {
            return List.copyOf(new LinkedHashSet<>(positions));
        }
        if (given != null) {
            try {
                return List.of(Integer.parseInt(given.strip()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("option 'N' must be an integer, got '" + given + "'");
            }
        }
        return DEFAULT_POSITIONS;
    }

    private Map<String, Object> learnerOptions(Services services, String learner, List<String> names) {
        Map<String, Object> options = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : protocol.learnerOptions.entrySet()) {
            String key = e.getKey();
            int dot = key.indexOf('.');
            if (dot > 0) {
                String owner = key.substring(0, dot);
                services.learner(owner); // a misspelt learner fails here, naming the known ones
                if (owner.equals(learner)) {
                    options.put(key.substring(dot + 1), e.getValue());
                }
            } else if (has(services, learner, key) || names.stream().noneMatch(l -> has(services, l, key))) {
                options.put(key, e.getValue());
            }
        }
        return options;
    }

    private static boolean has(Services services, String learner, String key) {
        return services.learner(learner).schema().parameters().stream().map(Hyperparameter::name)
                .anyMatch(key::equals);
    }

    /** The table: one row per case, then what the numbers mean. */
    static void report(PrintWriter out, List<BenchResult> results, BenchSettings settings) {
        BenchResult first = results.getFirst();
        out.println("backend " + first.backend() + " (" + first.threads() + (first.threads() == 1 ? " thread" :
                " threads") + "), batch " + first.batch() + ", warm-up " + settings.warmupSteps() + " steps"
                + (settings.warmupSeconds() > 0 ? " and at least " + settings.warmupSeconds() + " s" : "") + ", "
                + settings.steps() + " timed steps, " + settings.profileSteps() + " profiled steps per case");
        out.println();
        Table t = new Table();
        List<String> head = new ArrayList<>(List.of("LEARNER", "N", "PARAMS", "STEPS/S", "PROMPTS/S", "MS/STEP"));
        boolean shares = settings.profileSteps() > 0;
        if (shares) {
            for (KernelFamily f : KernelFamily.values()) {
                head.add(f.column() + "%");
            }
        }
        if (settings.toThreshold()) {
            head.addAll(List.of("N*", "SECONDS"));
        }
        t.row(head.toArray(String[]::new));
        for (BenchResult r : results) {
            List<String> row = new ArrayList<>(List.of(r.learner(), Integer.toString(r.positions()),
                    TrainCommand.count(r.parameterCount()), fixed(r.stepsPerSecond(), 1),
                    fixed(r.promptsPerSecond(), 0), fixed(r.msPerStep(), 3)));
            if (shares) {
                for (KernelFamily f : KernelFamily.values()) {
                    row.add(fixed(r.shares().get(f), 1));
                }
            }
            if (settings.toThreshold()) {
                Crossing c = r.run().crossings().getLast();
                row.add(c.crossed() ? TrainCommand.count(c.nStar())
                        : "> " + TrainCommand.count(r.run().promptsSeen()) + " (" + r.run().status().label() + ")");
                row.add(fixed(r.run().wallSeconds(), 2));
            }
            t.row(row.toArray(String[]::new));
        }
        t.print(out, "");
        out.println();
        out.println("STEPS/S, PROMPTS/S and MS/STEP: unprofiled steps, the backend synchronized before the clock is "
                + "read.");
        if (shares) {
            out.println("Shares: percent of a protocol run (check every " + first.checkEvery() + " steps on "
                    + TrainCommand.count(first.testSize()) + " test prompts); the families' split comes from a "
                    + "separate profiled pass that synchronizes after every kernel call (profiled ms/step: "
                    + String.join(", ", results.stream().map(r -> fixed(r.profiledMsPerStep(), 3)).toList())
                    + "). PTWISE includes the loss, fills, copies and layout ops; DATA is time inside Task.batch; "
                    + "EVAL scales one timed evaluation of " + BenchSettings.EVAL_PROMPTS + " test prompts; HOST is "
                    + "step time outside every kernel call.");
        }
        if (settings.toThreshold()) {
            out.println("N* and SECONDS: one run of the online protocol to the threshold (training and evaluation "
                    + "wall time).");
        }
    }

    private static String fixed(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}

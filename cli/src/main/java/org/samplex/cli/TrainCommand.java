package org.samplex.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
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
import org.samplex.experiment.RunSpecBuilder;
import org.samplex.experiment.Settings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

    @Option(names = "--N", paramLabel = "N", description = "Sequence length: short for --task-option N=<N>.")
    Integer positions;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S",
            description = "Seed of the training stream, test set and initialization; default: ${DEFAULT-VALUE}.")
    long seed;

    @Mixin
    ProtocolOptions protocol;

    @Option(names = "--json", description = "Print the run record as JSON on stdout (and nothing else there).")
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
        RunSpec runSpec = runSpec(services);
        PrintWriter err = spec.commandLine().getErr();
        Progress progress = new Progress(err, Progress.stderrIsTerminal(), Progress.PLAIN_INTERVAL_SECONDS,
                "auto".equals(runSpec.backend()));
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
    RunSpec runSpec(Services services) {
        if (protocol.given(Settings.THRESHOLDS) == null) {
            throw new IllegalArgumentException("missing required option '--threshold=EPS' (or --thresholds "
                    + "EPS,EPS,...)");
        }
        Map<String, Object> task = new LinkedHashMap<>(protocol.taskOptions);
        if (positions != null) {
            String option = protocol.positionsOption(services);
            String given = protocol.taskOptions.get(option);
            if (given != null && !sameInteger(given, positions)) {
                throw new IllegalArgumentException("--N " + positions + " and --task-option " + option + "=" + given
                        + " disagree; give one of them");
            }
            task.put(option, positions.toString());
        }
        RunSpecBuilder b = RunSpec.builder(learner, protocol.taskOrDefault())
                .learnerOptions(protocol.learnerOptions).taskOptions(task).seed(seed);
        return protocol.applyTo(b).build();
    }

    private static boolean sameInteger(String text, int value) {
        try {
            return Integer.parseInt(text.strip()) == value;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * The protocol's settings in words, from the table ({@link Settings#ALL}): those every spec states, and any
     * other that differs from its default; backend, threads and thresholds have places of their own.
     */
    static String settings(RunSpec s) {
        List<String> parts = new ArrayList<>();
        s.settings().forEach((setting, value) -> {
            if (setting == Settings.BACKEND || setting == Settings.THREADS || setting == Settings.THRESHOLDS) {
                return;
            }
            if (setting.alwaysWritten() || !java.util.Objects.equals(value, setting.defaultValue())) {
                parts.add(setting.label() + " " + (setting == Settings.CHECK_EVERY ? value + " steps"
                        : setting.show(value)));
            }
        });
        return String.join(", ", parts);
    }

    /** The human summary: what ran, n* per threshold, the curve in brief, wall times. */
    static void report(PrintWriter out, RunRecord r) {
        RunSpec s = r.spec();
        out.println("learner " + s.learner() + options(s.learnerOptions()) + ", task " + s.task()
                + options(s.taskOptions()));
        out.println("backend " + r.backend() + " (" + r.threads() + (r.threads() == 1 ? " thread" : " threads")
                + "), seed " + s.seed() + ", " + settings(s) + ", " + count(r.parameterCount()) + " parameters");
        if (s.trainSet() != null) {
            out.println("fixed-n protocol: " + count(s.trainSet()) + " training prompts"
                    + (s.shuffle() ? ", reshuffled every epoch" : ", in the same order every epoch")
                    + (s.epochs() != null ? ", at most " + s.epochs() + " epochs" : "")
                    + (s.stopLoss() != null ? ", stop when an epoch's mean training loss < " + s.stopLoss() : "")
                    + String.format(Locale.ROOT, "; trained %.2f epochs", (double) r.promptsSeen() / s.trainSet()));
        }
        pluginLines(r).forEach(out::println);
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

    /**
     * One line for each of the run's learner, task and backend that came from a plug-in, with the jar and its
     * SHA-256 as the provenance recorded them: its {@code learner_module} (task, backend) is "module version", and
     * the environment's {@code plugin.<jar>} facts are "module version, sha256 hex".
     */
    static List<String> pluginLines(RunRecord r) {
        if (!(r.provenance().get("environment") instanceof Map<?, ?> environment)) {
            return List.of();
        }
        List<String> lines = new ArrayList<>();
        for (String role : List.of("learner", "task", "backend")) {
            if (!(r.provenance().get(role + "_module") instanceof String module)) {
                continue;
            }
            for (Map.Entry<?, ?> e : environment.entrySet()) {
                String key = String.valueOf(e.getKey());
                String value = String.valueOf(e.getValue());
                if (key.startsWith("plugin.") && value.startsWith(module + ",")) {
                    int sha = value.indexOf("sha256 ");
                    lines.add(role + " from plug-in " + key.substring("plugin.".length()) + " ("
                            + (sha >= 0 ? value.substring(sha) : value) + ")");
                }
            }
        }
        return lines;
    }

    private static String nStar(RunRecord r, Crossing c) {
        if (c.crossed()) {
            return count(c.nStar());
        }
        return switch (r.status()) {
            case DIVERGED -> "not reached (diverged at " + count(r.promptsSeen()) + ")";
            default -> r.spec().trainsToRule() ? "> " + count(r.promptsSeen()) + " (not reached when the training "
                    + "rule stopped the run)" : "> " + count(r.spec().cap()) + " (censored)";
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

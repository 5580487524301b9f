package org.samplex.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.samplex.experiment.sweep.CostModel;
import org.samplex.experiment.sweep.Plan;
import org.samplex.experiment.sweep.PlannedRun;
import org.samplex.experiment.sweep.ResultStore;
import org.samplex.experiment.sweep.Sweep;
import org.samplex.experiment.sweep.SweepFolder;
import org.samplex.experiment.sweep.SweepRunner;
import org.samplex.experiment.sweep.Trainer;
import picocli.CommandLine.Model.CommandSpec;

/** What {@code sweep run} and {@code reproduce} share: expanding a plan, listing it, running it, summing it up. */
final class SweepCommandSupport {

    /** Exit code of a sweep in which a run failed (threw); censored and diverged runs are results. */
    static final int EXIT_RUN_FAILED = 4;

    /** What to do with a plan. */
    record Settings(Path out, String preset, int workers, int threads, boolean dryRun, boolean extend) {
    }

    private SweepCommandSupport() {
    }

    /**
     * Expands the plan (every run resolved before anything runs), then lists it ({@code dryRun}) or runs it.
     *
     * @return the exit code: 0, or {@link #EXIT_RUN_FAILED} when a run failed
     */
    static int execute(CommandSpec spec, Trainer trainer, Plan plan, Settings s) {
        SweepRunner.threadsPerRun(s.workers(), s.threads());
        List<PlannedRun> runs = plan.expand(trainer);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (s.dryRun()) {
            dryRun(out, runs, trainer, s);
            out.flush();
            return 0;
        }
        SweepProgress progress = new SweepProgress(err, Progress.stderrIsTerminal(), Progress.PLAIN_INTERVAL_SECONDS,
                System::nanoTime);
        SweepRunner.Outcome outcome;
        try {
            outcome = Sweep.run(s.out(), plan, runs, s.preset(), s.extend(), trainer, s.workers(), s.threads(),
                    progress);
        } finally {
            progress.finish();
        }
        summary(out, s.out(), outcome);
        out.flush();
        if (outcome.failed() > 0) {
            err.println("samplex: " + outcome.failed() + " run" + (outcome.failed() == 1 ? "" : "s")
                    + " failed; their errors are in " + s.out().resolve(ResultStore.FILE_NAME)
                    + " (status 'failed'); rerunning the same command retries them");
            err.flush();
            return EXIT_RUN_FAILED;
        }
        return 0;
    }

    /** The runs, whether the store has them, and their estimated cost. */
    static void dryRun(PrintWriter out, List<PlannedRun> runs, Trainer trainer, Settings s) {
        Map<String, String> stored = new HashMap<>();
        List<ResultStore.StoredRun> rows = List.of();
        if (Files.exists(s.out().resolve(ResultStore.FILE_NAME))) {
            try (ResultStore store = ResultStore.open(s.out())) {
                rows = store.all();
            }
            rows.forEach(r -> stored.put(r.runKey(), r.status()));
        }
        CostModel cost = CostModel.of(runs, trainer, rows);
        Table t = new Table().row("KEY", "RUN", "PARAMETERS", "COST", "STORE");
        double pendingUnits = 0;
        double pendingSeconds = 0;
        int pending = 0;
        for (PlannedRun r : runs) {
            String status = stored.getOrDefault(r.key(), "-");
            boolean toRun = !stored.containsKey(r.key()) || "failed".equals(status);
            if (toRun) {
                pending++;
                pendingUnits += cost.units(r);
                pendingSeconds += cost.seconds(r);
            }
            t.row(r.shortKey(), r.label(), TrainCommand.count(cost.parameters().get(r.key())),
                    scientific(cost.units(r)), status);
        }
        t.print(out, "");
        out.println();
        out.println(runs.size() + " runs, " + (runs.size() - pending) + " in " + s.out() + " already, " + pending
                + " to run with " + s.workers() + " worker" + (s.workers() == 1 ? "" : "s") + ".");
        out.println("Cost model: parameters x cap, in parameter-prompts (an upper bound: a run stops at its last "
                + "threshold); to run: " + scientific(pendingUnits) + ".");
        if (cost.secondsPerUnit() != null) {
            out.println("At the rate of the runs in the store, at most " + SweepProgress.duration(
                    pendingSeconds / s.workers()) + " of wall time (usually much less).");
        }
        String conflict = SweepFolder.conflict(s.out(), runs);
        if (conflict != null) {
            out.println("Note: " + conflict + ".");
        }
    }

    /** The sweep's end, on stdout. */
    static void summary(PrintWriter out, Path dir, SweepRunner.Outcome o) {
        int ranHere = o.ran().values().stream().mapToInt(Integer::intValue).sum();
        String statuses = o.ran().entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
                .collect(Collectors.joining(", "));
        out.println("sweep " + dir + ": " + o.planned() + " runs; " + o.skipped() + " were in the store, "
                + ranHere + " ran here" + (statuses.isEmpty() ? "" : " (" + statuses + ")")
                + (o.doneElsewhere() > 0 ? ", " + o.doneElsewhere() + " ran in another process" : ""));
        out.println("results: " + dir.resolve(ResultStore.FILE_NAME) + ", plan: " + dir.resolve(SweepFolder.PLAN_FILE));
    }

    private static String scientific(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2g", v) : "?";
    }
}

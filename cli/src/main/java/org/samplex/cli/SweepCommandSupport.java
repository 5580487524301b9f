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

    /**
     * What to do with a plan.
     *
     * @param scope which runs this process runs and where it stores them (a shard, a sink), or the whole plan
     */
    record Settings(Path out, String preset, int workers, int threads, boolean dryRun, boolean extend,
                    Sweep.Scope scope) {

        /** The whole plan into the folder's results.sqlite. */
        Settings(Path out, String preset, int workers, int threads, boolean dryRun, boolean extend) {
            this(out, preset, workers, threads, dryRun, extend, Sweep.Scope.WHOLE);
        }
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
            dryRun(out, runs, trainer, s, plan.onlyRuns() != null);
            out.flush();
            return 0;
        }
        SweepProgress progress = new SweepProgress(err, Progress.stderrIsTerminal(), Progress.PLAIN_INTERVAL_SECONDS,
                System::nanoTime);
        SweepRunner.Outcome outcome;
        try {
            outcome = Sweep.run(s.out(), plan, runs, s.scope(), s.preset(), s.extend(), trainer, s.workers(),
                    s.threads(), progress);
        } finally {
            progress.finish();
        }
        summary(out, s.out(), outcome, s.scope(), runs.size());
        out.flush();
        if (outcome.failed() > 0) {
            err.println("samplex: " + outcome.failed() + " run" + (outcome.failed() == 1 ? "" : "s")
                    + " failed; their errors are in " + storeName(s.out(), s.scope())
                    + " (status 'failed'); rerunning the same command retries them");
            err.flush();
            return EXIT_RUN_FAILED;
        }
        return 0;
    }

    /** Where a scope's results go, for messages: the sink, the shard's file or results.sqlite. */
    static String storeName(Path dir, Sweep.Scope scope) {
        if (scope.sink() != null) {
            return ResultStore.hidePassword(scope.sink());
        }
        return dir.resolve(scope.shard() != null ? scope.shard().fileName() : ResultStore.FILE_NAME).toString();
    }

    /** The runs (a shard's share when the scope is a shard), whether the store has them, and their cost. */
    static void dryRun(PrintWriter out, List<PlannedRun> plan, Trainer trainer, Settings s, boolean partOfPlan) {
        List<PlannedRun> runs = s.scope().runs(plan, trainer);
        Map<String, String> stored = new HashMap<>();
        List<ResultStore.StoredRun> rows = List.of();
        Path file = s.scope().shard() != null ? s.out().resolve(s.scope().shard().fileName())
                : s.out().resolve(ResultStore.FILE_NAME);
        if (s.scope().sink() == null && Files.exists(file)) {
            try (ResultStore store = s.scope().open(s.out())) {
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
        String part = s.scope().shard() == null ? "" : "Shard " + s.scope().shard() + " (by " + order(s.scope())
                + "): " + runs.size() + " of the plan's " + plan.size() + " runs. ";
        out.println(part + runs.size() + " runs, " + (runs.size() - pending) + " in "
                + (s.scope().sink() == null ? s.out() : "the sink (not read by a dry run)") + " already, " + pending
                + " to run with " + s.workers() + " worker" + (s.workers() == 1 ? "" : "s") + ".");
        out.println("Cost model: parameters x cap, in parameter-prompts (an upper bound: a run stops at its last "
                + "threshold); to run: " + scientific(pendingUnits) + ".");
        if (cost.secondsPerUnit() != null) {
            out.println("At the rate of the runs in the store, at most " + SweepProgress.duration(
                    pendingSeconds / s.workers()) + " of wall time (usually much less).");
        }
        String conflict = SweepFolder.conflict(s.out(), plan, partOfPlan);
        if (conflict != null) {
            out.println("Note: " + conflict + ".");
        }
    }

    private static String order(Sweep.Scope scope) {
        return scope.order().name().toLowerCase(Locale.ROOT);
    }

    /** The sweep's end, on stdout. */
    static void summary(PrintWriter out, Path dir, SweepRunner.Outcome o) {
        summary(out, dir, o, Sweep.Scope.WHOLE, o.planned());
    }

    /** The sweep's (or the shard's) end, on stdout. */
    static void summary(PrintWriter out, Path dir, SweepRunner.Outcome o, Sweep.Scope scope, int planned) {
        int ranHere = o.ran().values().stream().mapToInt(Integer::intValue).sum();
        String statuses = o.ran().entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
                .collect(Collectors.joining(", "));
        String part = scope.shard() == null ? "" : " shard " + scope.shard() + " (" + o.planned() + " of the plan's "
                + planned + " runs)";
        out.println("sweep " + dir + part + ": " + o.planned() + " runs; " + o.skipped() + " were in the store, "
                + ranHere + " ran here" + (statuses.isEmpty() ? "" : " (" + statuses + ")")
                + (o.doneElsewhere() > 0 ? ", " + o.doneElsewhere() + " ran in another process" : ""));
        out.println("results: " + storeName(dir, scope) + ", plan: " + dir.resolve(SweepFolder.PLAN_FILE)
                + (scope.shard() != null && scope.sink() == null
                ? "; when every shard has run: samplex sweep merge " + dir : ""));
    }

    private static String scientific(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2g", v) : "?";
    }
}

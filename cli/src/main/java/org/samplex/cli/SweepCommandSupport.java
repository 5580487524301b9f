package org.samplex.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.samplex.sweep.CodeChange;
import org.samplex.sweep.CostModel;
import org.samplex.sweep.Plan;
import org.samplex.sweep.PlannedRun;
import org.samplex.sweep.ResultStore;
import org.samplex.sweep.Sweep;
import org.samplex.sweep.SweepFolder;
import org.samplex.sweep.SweepRunner;
import org.samplex.sweep.TimeEstimate;
import org.samplex.sweep.RunService;
import picocli.CommandLine.Model.CommandSpec;

/** What {@code sweep run} and {@code reproduce} share: expanding a plan, listing it, running it, summing it up. */
final class SweepCommandSupport {

    /** Exit code of a sweep in which a run failed (threw); censored and diverged runs are results. */
    static final int EXIT_RUN_FAILED = 4;

    /**
     * What to do with a plan.
     *
     * @param scope which runs this process runs and where it stores them (a shard, a sink), or the whole plan
     * @param pack  runs trained as one pack at most (1: every run alone)
     */
    record Settings(Path out, String preset, int workers, int threads, boolean dryRun, boolean extend,
                    Sweep.Scope scope, CodeChange codeChanged, boolean probe, int pack) {

        /** Every run alone. */
        Settings(Path out, String preset, int workers, int threads, boolean dryRun, boolean extend,
                 Sweep.Scope scope, CodeChange codeChanged, boolean probe) {
            this(out, preset, workers, threads, dryRun, extend, scope, codeChanged, probe, 1);
        }

        /** A dry run probes this machine for the shapes the store has not measured. */
        Settings(Path out, String preset, int workers, int threads, boolean dryRun, boolean extend,
                 Sweep.Scope scope, CodeChange codeChanged) {
            this(out, preset, workers, threads, dryRun, extend, scope, codeChanged, true);
        }

        /** The whole plan into the folder's results.sqlite. */
        Settings(Path out, String preset, int workers, int threads, boolean dryRun, boolean extend) {
            this(out, preset, workers, threads, dryRun, extend, Sweep.Scope.WHOLE);
        }

        /** Stored runs of other code are refused ({@link CodeChange#REFUSE}). */
        Settings(Path out, String preset, int workers, int threads, boolean dryRun, boolean extend,
                 Sweep.Scope scope) {
            this(out, preset, workers, threads, dryRun, extend, scope, CodeChange.REFUSE);
        }
    }

    private SweepCommandSupport() {
    }

    /**
     * Expands the plan (every run resolved before anything runs), then lists it ({@code dryRun}) or runs it.
     *
     * @return the exit code: 0, or {@link #EXIT_RUN_FAILED} when a run failed
     */
    static int execute(CommandSpec spec, RunService trainer, Plan plan, Settings s) {
        SweepRunner.threadsPerRun(s.workers(), s.threads());
        SweepRunner.checkPack(s.pack());
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
                    s.threads(), s.pack(), progress, s.codeChanged(), line -> {
                        err.println(line);
                        err.flush();
                    });
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
    static void dryRun(PrintWriter out, List<PlannedRun> plan, RunService trainer, Settings s, boolean partOfPlan) {
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
        List<PlannedRun> toRun = runs.stream().filter(r -> !stored.containsKey(r.key())
                || "failed".equals(stored.get(r.key()))).toList();
        Set<PlannedRun> pendingRuns = new HashSet<>(toRun);
        TimeEstimate time = TimeEstimate.of(toRun, trainer, rows, SweepRunner.threadsPerRun(s.workers(), s.threads()),
                s.probe());
        Table t = new Table().row("KEY", "RUN", "PARAMETERS", "TIME", "STORE");
        double pendingSeconds = 0;
        int pending = toRun.size();
        int capped = 0;
        for (PlannedRun r : runs) {
            String status = stored.getOrDefault(r.key(), "-");
            String seconds = "";
            if (pendingRuns.contains(r)) {
                pendingSeconds += time.seconds(r);
                boolean upper = time.upperBound().contains(r.key());
                capped += upper ? 1 : 0;
                seconds = (upper ? "<= " : "~") + duration(time.seconds(r));
            }
            t.row(r.shortKey(), r.label(), TrainCommand.count(cost.parameters().get(r.key())), seconds, status);
        }
        t.print(out, "");
        out.println();
        String part = s.scope().shard() == null ? "" : "Shard " + s.scope().shard() + " (by " + order(s.scope())
                + "): " + runs.size() + " of the plan's " + plan.size() + " runs. ";
        out.println(part + runs.size() + " runs, " + (runs.size() - pending) + " in "
                + (s.scope().sink() == null ? s.out() : "the sink (not read by a dry run)") + " already, " + pending
                + " to run with " + s.workers() + " worker" + (s.workers() == 1 ? "" : "s") + ".");
        if (pending > 0) {
            timeNote(out, time, pendingSeconds / s.workers(), pending, capped, s.workers());
        }
        String conflict = SweepFolder.conflict(s.out(), plan, partOfPlan);
        if (conflict != null) {
            out.println("Note: " + conflict + ".");
        }
    }

    /** The estimated wall time and how it was made (TimeEstimate): rates measured or probed, prompts expected or capped. */
    private static void timeNote(PrintWriter out, TimeEstimate time, double wallSeconds, int pending, int capped,
                                 int workers) {
        out.println("Estimated wall time: " + (capped > 0 ? "at most " : "about ") + duration(wallSeconds) + " with "
                + workers + " worker" + (workers == 1 ? "" : "s") + ".");
        List<String> how = new ArrayList<>();
        if (!time.measuredShapes().isEmpty()) {
            how.add("seconds per prompt measured by the store's runs for " + time.measuredShapes().entrySet().stream()
                    .map(e -> e.getKey() + " (" + e.getValue() + ")").collect(Collectors.joining(", ")));
        }
        if (!time.probedShapes().isEmpty()) {
            how.add("seconds per prompt probed on this machine (3 warm-up steps, 10 timed steps and one evaluation "
                    + "of 1,000 test prompts) for " + String.join(", ", time.probedShapes()));
        }
        if (!Double.isFinite(wallSeconds)) {
            how.add("runs of shapes the store has not measured have no estimate (not probed: --no-probe)");
        }
        if (capped > 0) {
            how.add(capped + " of the " + pending + " runs counted to their cap (an upper bound: no stored run "
                    + "with the same settings; a run stops at its last threshold)");
        }
        if (capped < pending) {
            how.add((pending - capped) + " run" + (pending - capped == 1 ? "" : "s") + " counted to the median "
                    + "prompts of the store's runs with the same settings and other seeds");
        }
        out.println("Method: " + String.join("; ", how) + ".");
    }

    private static String duration(double seconds) {
        if (!Double.isFinite(seconds)) {
            return "?";
        }
        return seconds < 10 ? String.format(Locale.ROOT, "%.1fs", seconds) : SweepProgress.duration(seconds);
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
}

package org.samplex.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.samplex.experiment.Json;
import org.samplex.experiment.RunRecord;
import org.samplex.report.Analysis;
import org.samplex.report.Report;
import org.samplex.report.Slope;
import org.samplex.sweep.ResultStore;
import org.samplex.sweep.ResultStore.StoredRun;
import org.samplex.sweep.SweepFolder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code samplex report DIR...}: reads one or more sweeps' results stores and writes the report (summary.md,
 * report.html, nstar.csv, curves.csv, plots) into the sweep's folder, or into {@code --out} (an overlay of several
 * sweeps); prints the files and the slopes. The stores are only read.
 */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Writes a sweep's report into its folder: summary.md, report.html (one self-contained "
                + "page), nstar.csv, and PNG + SVG plots (n* against N on log-log axes with fitted slopes, test MSE "
                + "against prompts seen per N, learned attention matrices of runs made with --inspect).",
                "Slopes of log n* on log N come with 95%% bootstrap intervals over seeds; censored runs count as "
                        + "lower bounds at their cap and are marked, never dropped.",
                "Example: samplex report runs/fig1a; samplex report runs/gru128 runs/gru500 --out runs/both "
                        + "(an overlay)"})
final class ReportCommand implements Callable<Integer> {

    @Mixin
    Diagnostics diagnostics;

    @Parameters(arity = "1..*", paramLabel = "DIR", description = "The sweep's output folder (holds "
            + ResultStore.FILE_NAME + "); several folders overlay their sweeps in one report (give --out).")
    List<Path> dirs;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Where the report goes; default: the sweep's folder (required for several).")
    Path outDir;

    /** The folder being read (set per folder by {@link #call}). */
    private Path dir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (dirs.size() > 1 && outDir == null) {
            throw new IllegalArgumentException("a report of " + dirs.size() + " sweeps needs --out DIR, the folder "
                    + "for the overlay (each sweep's own folder keeps its own report)");
        }
        List<RunRecord> runs = new ArrayList<>();
        Map<RunRecord, String> keys = new IdentityHashMap<>();
        List<Report.FailedRun> failures = new ArrayList<>();
        for (Path d : dirs) {
            dir = d;
            read(runs, keys, failures);
        }
        String about = dirs.size() == 1 ? planDescription() : "an overlay of " + dirs.size() + " sweeps: "
                + String.join(", ", dirs.stream().map(Path::toString).toList()) + " (runs with the same spec in "
                + "several of them count once per folder)";
        Path target = outDir != null ? outDir : dirs.getFirst();
        List<Path> written = Report.write(target, about, runs, keys, failures);
        PrintWriter out = spec.commandLine().getOut();
        out.println("report of " + (runs.size() + failures.size()) + " runs (" + failures.size() + " failed) in "
                + target + ": " + String.join(", ", written.stream().map(p -> p.getFileName().toString()).toList()));
        printSlopes(out, Analysis.of(runs));
        out.flush();
        return 0;
    }

    /** Adds the records (and failed runs) of the store in {@link #dir}. */
    private void read(List<RunRecord> runs, Map<RunRecord, String> keys, List<Report.FailedRun> failures) {
        if (!Files.isRegularFile(dir.resolve(ResultStore.FILE_NAME))) {
            throw new IllegalArgumentException("no results in " + dir + ": " + ResultStore.FILE_NAME + " is missing "
                    + "(samplex sweep run --out " + dir + " writes it)");
        }
        try (ResultStore store = ResultStore.open(dir)) {
            for (StoredRun r : store.all()) {
                if (r.recordJson() == null) {
                    failures.add(new Report.FailedRun(r.runKey(), r.specJson(), r.error()));
                    continue;
                }
                try {
                    RunRecord record = RunRecord.fromJson(r.recordJson());
                    runs.add(record);
                    keys.put(record, r.runKey());
                } catch (IllegalArgumentException unreadable) {
                    failures.add(new Report.FailedRun(r.runKey(), r.specJson(),
                            "the stored record cannot be read: " + unreadable.getMessage()));
                }
            }
        }
    }

    /** The description of the plan saved in the folder (a preset's says what it reproduces), or null. */
    private String planDescription() {
        try {
            Map<?, ?> saved = SweepFolder.savedPlan(dir);
            return saved != null && saved.get("plan") instanceof Map<?, ?> plan
                    && plan.get("description") instanceof String d ? d : null;
        } catch (RuntimeException unreadable) {
            return null; // the report stands without it
        }
    }

    /** One line per threshold and series: slope [95% interval] over which N, and whether censoring affects it. */
    static void printSlopes(PrintWriter out, Analysis a) {
        for (double t : a.thresholds()) {
            out.println("slopes of log n* on log N, eps = " + Json.number(t) + ":");
            Table table = new Table().row("SERIES", "SLOPE", "95% INTERVAL", "N", "NOTE");
            for (String s : a.series()) {
                Slope slope = a.slope(s, t);
                if (!slope.defined()) {
                    table.row(s, "n/a", "", join(slope.ns()), "fewer than two N with a value");
                    continue;
                }
                table.row(s, String.format(Locale.ROOT, "%.2f", slope.fit().slope()),
                        String.format(Locale.ROOT, "[%.2f, %.2f]", slope.interval().lo(), slope.interval().hi()),
                        join(slope.ns()), slope.lowerBoundAffected()
                                ? "lower-bound-affected (" + slope.censored() + " censored)" : "");
            }
            table.print(out, "  ");
        }
    }

    private static String join(List<Integer> ns) {
        return String.join(",", ns.stream().map(String::valueOf).toList());
    }
}

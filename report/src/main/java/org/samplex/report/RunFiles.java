package org.samplex.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.samplex.experiment.Json;
import org.samplex.experiment.RunKeys;
import org.samplex.experiment.RunRecord;
import org.samplex.experiment.RunRecord.CurvePoint;

/**
 * The per-run parts of a report: nstar.csv and curves.csv (flat, with each run's key and every resolved option),
 * the provenance of the runs and the table of runs in the summary.
 */
final class RunFiles {
    private RunFiles() {
    }

    /** The runs in report order: by series, N and seed. */
    static List<RunRecord> ordered(Analysis a) {
        return a.runs().stream().sorted(Comparator.comparingInt((RunRecord r) -> a.series().indexOf(a.seriesOf(r)))
                .thenComparingInt(Analysis::n).thenComparingLong(r -> r.spec().seed())).toList();
    }

    /**
     * nstar.csv: one row per run and threshold (nstar empty when not crossed; cap: what a censored n* exceeds), then
     * the run's key and its resolved task and learner options as columns {@code task.K} and {@code learner.K}.
     */
    static String nStarCsv(Analysis a, Function<RunRecord, String> keyOf) {
        List<String> taskKeys = keys(a, true);
        List<String> learnerKeys = keys(a, false);
        StringBuilder sb = new StringBuilder("learner,N,threshold,seed,nstar,censored,series,cap,outcome,run_key");
        taskKeys.forEach(k -> sb.append(",task.").append(k));
        learnerKeys.forEach(k -> sb.append(",learner.").append(k));
        sb.append('\n');
        for (RunRecord r : ordered(a)) {
            for (RunRecord.Crossing c : r.crossings()) {
                String outcome = c.crossed() ? "crossed" : r.status() == RunRecord.Status.DIVERGED ? "diverged"
                        : "censored";
                sb.append(field(r.spec().learner())).append(',').append(Analysis.n(r)).append(',')
                        .append(Format.threshold(c.threshold())).append(',').append(r.spec().seed()).append(',')
                        .append(c.crossed() ? c.nStar().toString() : "").append(',')
                        .append(outcome.equals("censored")).append(',').append(field(a.seriesOf(r))).append(',')
                        .append(Analysis.bound(r)).append(',').append(outcome).append(',').append(keyOf.apply(r));
                taskKeys.forEach(k -> sb.append(',').append(value(r.spec().taskOptions().get(k))));
                learnerKeys.forEach(k -> sb.append(',').append(value(r.spec().learnerOptions().get(k))));
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    /** curves.csv: one row per run and check: run_key, learner, series, N, seed, step, prompts, test MSE, loss. */
    static String curvesCsv(Analysis a, Function<RunRecord, String> keyOf) {
        StringBuilder sb = new StringBuilder("run_key,learner,series,N,seed,step,prompts,test_mse,train_loss\n");
        for (RunRecord r : ordered(a)) {
            String head = keyOf.apply(r) + "," + field(r.spec().learner()) + "," + field(a.seriesOf(r)) + ","
                    + Analysis.n(r) + "," + r.spec().seed() + ",";
            for (CurvePoint p : r.curve()) {
                sb.append(head).append(p.step()).append(',').append(p.promptsSeen()).append(',')
                        .append(Json.number(p.testMse())).append(',').append(Json.number(p.trainLoss())).append('\n');
            }
        }
        return sb.toString();
    }

    /** The provenance table: what made the runs (version, code, backend, machine) and how long they took. */
    static List<List<String>> provenance(Analysis a, String dates) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("samplex", distinct(a, r -> String.valueOf(r.provenance().get("samplex")))));
        rows.add(List.of("code (commit, dirty, fingerprint)", distinct(a, RunFiles::code)));
        rows.add(List.of("backend (threads)", distinct(a, r -> r.backend() + " (" + r.threads() + ")")));
        rows.add(List.of("machine", distinct(a, r -> fact(r, "cpu.model") + ", " + fact(r, "cpu.processors")
                + " processors, " + fact(r, "os.name") + " " + fact(r, "os.arch") + ", JDK "
                + fact(r, "jdk.version"))));
        if (dates != null) {
            rows.add(List.of("finished", dates));
        }
        double wall = a.runs().stream().mapToDouble(RunRecord::wallSeconds).sum();
        rows.add(List.of("wall time of the runs", Format.decimal(wall, 1) + " s in all (training and evaluation, "
                + "summed over runs; workers ran some at once)"));
        return rows;
    }

    /** The table of runs: key, series, N, seed, status, n* per threshold, prompts seen, wall seconds. */
    static List<List<String>> runTable(Analysis a, Function<RunRecord, String> keyOf, List<String> header) {
        header.addAll(List.of("run key", "series", "N", "seed", "status"));
        a.thresholds().forEach(t -> header.add("n* " + Format.threshold(t)));
        header.addAll(List.of("prompts", "wall s"));
        List<List<String>> rows = new ArrayList<>();
        for (RunRecord r : ordered(a)) {
            String key = keyOf.apply(r);
            List<String> row = new ArrayList<>(List.of(key.isEmpty() ? "-" : "`" + key.substring(0, Math.min(12, key.length())) + "`",
                    a.seriesOf(r), Integer.toString(Analysis.n(r)), Long.toString(r.spec().seed()),
                    r.status().label()));
            for (double t : a.thresholds()) {
                row.add(r.nStar(t).isPresent() ? Format.count(r.nStar(t).getAsLong()) : "-");
            }
            row.add(Format.count(r.promptsSeen()));
            row.add(Format.decimal(r.wallSeconds(), 1));
            rows.add(row);
        }
        return rows;
    }

    /** The key this samplex gives the run's spec, or "" when its backend is unresolved ("auto"). */
    static String keyOf(RunRecord r) {
        return "auto".equals(r.spec().backend()) ? "" : RunKeys.of(r.spec());
    }

    private static String code(RunRecord r) {
        if (!(r.provenance().get("code") instanceof Map<?, ?> code)) {
            return "not recorded";
        }
        String fingerprint = String.valueOf(code.get("fingerprint"));
        return code.get("commit") + (Boolean.TRUE.equals(code.get("dirty")) ? " (dirty)" : "") + ", "
                + fingerprint.substring(0, Math.min(12, fingerprint.length()));
    }

    private static String fact(RunRecord r, String key) {
        return r.provenance().get("environment") instanceof Map<?, ?> env && env.get(key) != null
                ? String.valueOf(env.get(key)) : "?";
    }

    private static String distinct(Analysis a, Function<RunRecord, String> of) {
        return a.runs().stream().map(of).collect(Collectors.toCollection(TreeSet::new)).stream()
                .collect(Collectors.joining("; "));
    }

    private static List<String> keys(Analysis a, boolean task) {
        TreeSet<String> keys = new TreeSet<>();
        a.runs().forEach(r -> keys.addAll((task ? r.spec().taskOptions() : r.spec().learnerOptions()).keySet()));
        return List.copyOf(keys);
    }

    private static String value(Object v) {
        return v == null ? "" : field(String.valueOf(v));
    }

    static String field(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}

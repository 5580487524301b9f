package org.samplex.sweep;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.samplex.experiment.CodeIdentity;
import org.samplex.experiment.Json;

/**
 * A store's runs as flat rows, one column per fact, for {@code samplex runs}: {@code run_key}, {@code status},
 * {@code learner}, {@code task}, {@code seed}, every resolved option ({@code learner.<name>}, {@code task.<name>},
 * and the protocol's: {@code batch}, {@code lr}, {@code cap}, ...), {@code nstar.<threshold>} per threshold (empty
 * when not crossed), {@code prompts_seen}, {@code steps}, {@code parameters}, {@code wall_seconds},
 * {@code finished_at}, the code identity ({@code commit}, {@code dirty}, {@code code}: the fingerprint's first 12
 * hex digits) and {@code error} (failed runs). Values keep their JSON types (numbers, booleans, text; null when a
 * run lacks the fact).
 *
 * @param columns every column, in the order above (options and thresholds sorted)
 * @param rows    one map per run, by run key
 */
public record RunTable(List<String> columns, List<Map<String, Object>> rows) {

    /** Spec keys that get columns of their own, or none (threads are not part of a run's identity). */
    private static final Set<String> SPEC_SPECIAL = Set.of("learner", "task", "seed", "learner_options",
            "task_options", "thresholds", "threads");

    /** The table of a store's rows. */
    public static RunTable of(List<ResultStore.Row> stored) {
        List<Map<String, Object>> rows = new ArrayList<>();
        Set<String> learnerOptions = new TreeSet<>();
        Set<String> taskOptions = new TreeSet<>();
        Set<String> protocol = new TreeSet<>();
        Set<Double> thresholds = new TreeSet<>();
        for (ResultStore.Row r : stored) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("run_key", r.runKey());
            row.put("status", r.status());
            Map<?, ?> spec = Json.parse(r.specJson()) instanceof Map<?, ?> m ? m : Map.of();
            row.put("learner", spec.get("learner"));
            row.put("task", spec.get("task"));
            row.put("seed", spec.get("seed"));
            prefixed(spec.get("learner_options"), "learner.", row, learnerOptions);
            prefixed(spec.get("task_options"), "task.", row, taskOptions);
            for (Map.Entry<?, ?> e : spec.entrySet()) {
                String k = String.valueOf(e.getKey());
                if (!SPEC_SPECIAL.contains(k)) {
                    row.put(k, e.getValue());
                    protocol.add(k);
                }
            }
            Map<?, ?> record = r.recordJson() != null && Json.parse(r.recordJson()) instanceof Map<?, ?> m ? m
                    : Map.of();
            if (record.get("nstar") instanceof Map<?, ?> nstar) {
                nstar.forEach((t, n) -> {
                    double eps = Double.parseDouble(String.valueOf(t));
                    thresholds.add(eps);
                    row.put("nstar." + Json.number(eps), n);
                });
            } else if (spec.get("thresholds") instanceof List<?> ts) {
                ts.forEach(t -> thresholds.add(((Number) t).doubleValue()));
            }
            row.put("prompts_seen", record.get("prompts_seen"));
            row.put("steps", record.get("steps"));
            row.put("parameters", record.get("parameters"));
            row.put("wall_seconds", record.get("wall_seconds") instanceof Map<?, ?> w ? w.get("total") : null);
            row.put("finished_at", r.finishedAt());
            CodeIdentity code = r.recordJson() == null ? null : CodeIdentity.fromRecordJson(r.recordJson());
            row.put("commit", code == null ? null : code.commit());
            row.put("dirty", code == null ? null : code.dirty());
            row.put("code", code == null ? null : code.fingerprint().substring(0, CodeIdentity.SHORT));
            row.put("error", r.error());
            rows.add(row);
        }
        List<String> columns = new ArrayList<>(List.of("run_key", "status", "learner", "task", "seed"));
        learnerOptions.forEach(o -> columns.add("learner." + o));
        taskOptions.forEach(o -> columns.add("task." + o));
        columns.addAll(protocol);
        // thresholds from high to low, as ladders are written
        thresholds.stream().sorted((a, b) -> Double.compare(b, a)).forEach(t -> columns.add("nstar." + Json.number(t)));
        columns.addAll(List.of("prompts_seen", "steps", "parameters", "wall_seconds", "finished_at", "commit",
                "dirty", "code", "error"));
        return new RunTable(List.copyOf(columns), List.copyOf(rows));
    }

    private static void prefixed(Object options, String prefix, Map<String, Object> row, Set<String> names) {
        if (options instanceof Map<?, ?> m) {
            m.forEach((k, v) -> {
                row.put(prefix + k, v);
                names.add(String.valueOf(k));
            });
        }
    }

    /**
     * The column a filter names: the column itself, else the one option column that ends with ".KEY"
     * ({@code N} for {@code task.N}, {@code heads} for {@code learner.heads}).
     *
     * @throws IllegalArgumentException when none or several match, listing the columns
     */
    public String column(String key) {
        if (columns.contains(key)) {
            return key;
        }
        List<String> matches = columns.stream().filter(c -> c.endsWith("." + key)).toList();
        if (matches.size() == 1) {
            return matches.getFirst();
        }
        throw new IllegalArgumentException((matches.isEmpty() ? "no column '" + key + "'" : "'" + key + "' could be "
                + String.join(" or ", matches)) + "; the columns: " + String.join(", ", columns));
    }

    /** A value as text: numbers as JSON writes them, null as empty. */
    public static String text(Object value) {
        if (value == null) {
            return "";
        }
        return value instanceof String s ? s : Json.canonical(value);
    }

    /** The rows whose every {@code column -> allowed values} filter holds (values compared as {@link #text}). */
    public RunTable where(Map<String, Set<String>> filters) {
        Map<String, Set<String>> byColumn = new LinkedHashMap<>();
        filters.forEach((k, v) -> byColumn.put(column(k), new LinkedHashSet<>(v)));
        List<Map<String, Object>> kept = rows.stream().filter(r -> byColumn.entrySet().stream()
                .allMatch(f -> f.getValue().contains(text(r.get(f.getKey()))))).toList();
        return new RunTable(columns, kept);
    }
}

package org.samplex.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.samplex.experiment.Json;
import org.samplex.sweep.ResultStore;
import org.samplex.sweep.RunTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code samplex runs DIR}: a sweep's runs as flat rows ({@link RunTable}), filtered, as a table, CSV or JSON
 * lines. The store is only read.
 */
@Command(name = "runs", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Lists the runs of DIR/results.sqlite, one row each: run_key, status, learner, task, seed, "
                + "every resolved option (learner.NAME, task.NAME, batch, lr, cap, ...), nstar.EPS per threshold "
                + "(empty: not crossed), prompts_seen, steps, parameters, wall_seconds, finished_at, the code "
                + "identity (commit, dirty, code) and error.",
                "The table shows the columns that differ between the rows listed and names the others once; csv "
                        + "and jsonl have every column.",
                "Example: samplex runs runs/fig1a --learner gru --where N=8 --format csv > gru-n8.csv",
                "Example: samplex runs runs/fig1a --status censored,failed"})
final class RunsCommand implements Callable<Integer> {

    @Mixin
    Diagnostics diagnostics;

    @Parameters(index = "0", paramLabel = "DIR", description = "The sweep's folder (holds "
            + ResultStore.FILE_NAME + ").")
    Path dir;

    @Option(names = "--format", paramLabel = "table|csv|jsonl", defaultValue = "table",
            description = "Output format; default: ${DEFAULT-VALUE}.")
    String format;

    @Option(names = {"--learner", "--learners"}, split = ",", paramLabel = "NAME", description = "Only these learners.")
    List<String> learners;

    @Option(names = "--status", split = ",", paramLabel = "STATUS",
            description = "Only these statuses: completed, censored, diverged, failed.")
    List<String> statuses;

    @Option(names = {"--seed", "--seeds"}, split = ",", paramLabel = "S", description = "Only these seeds.")
    List<String> seeds;

    @Option(names = "--where", paramLabel = "COLUMN=VALUE[,VALUE...]",
            description = "Only rows whose column has one of the values (repeatable; any column; an option may be "
                    + "named without its prefix: N=8 for task.N=8, heads=2 for learner.heads=2).")
    Map<String, String> where = new LinkedHashMap<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (!List.of("table", "csv", "jsonl").contains(format)) {
            throw new IllegalArgumentException("option '--format' takes table, csv or jsonl, got '" + format + "'");
        }
        if (!Files.isRegularFile(dir.resolve(ResultStore.FILE_NAME))) {
            throw new IllegalArgumentException("no results in " + dir + ": " + ResultStore.FILE_NAME + " is missing "
                    + "(samplex sweep run --out " + dir + " writes it; after shards: samplex sweep merge " + dir + ")");
        }
        List<ResultStore.Row> stored = new ArrayList<>();
        try (ResultStore store = ResultStore.open(dir)) {
            store.forEachRow(stored::add);
        }
        Map<String, Set<String>> filters = new LinkedHashMap<>();
        given(filters, "learner", learners);
        given(filters, "status", statuses);
        given(filters, "seed", seeds);
        where.forEach((k, v) -> filters.put(k, new LinkedHashSet<>(List.of(v.split(",", -1)))));
        RunTable table = RunTable.of(stored).where(filters);
        PrintWriter out = spec.commandLine().getOut();
        switch (format) {
            case "csv" -> csv(out, table);
            case "jsonl" -> table.rows().forEach(r -> out.println(Json.canonical(r)));
            default -> table(out, table, stored.size());
        }
        out.flush();
        return 0;
    }

    private static void given(Map<String, Set<String>> filters, String column, List<String> values) {
        if (values != null) {
            filters.put(column, new LinkedHashSet<>(values));
        }
    }

    /** RFC 4180: a header, then one line per run; fields with commas, quotes or line breaks quoted. */
    static void csv(PrintWriter out, RunTable t) {
        out.println(String.join(",", t.columns().stream().map(RunsCommand::csvField).toList()));
        for (Map<String, Object> r : t.rows()) {
            out.println(String.join(",", t.columns().stream().map(c -> csvField(RunTable.text(r.get(c)))).toList()));
        }
    }

    private static String csvField(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
            return "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }

    /** The columns that differ between the rows, with the run key shortened; the others said once above. */
    private static void table(PrintWriter out, RunTable t, int total) {
        List<String> varying = new ArrayList<>();
        List<String> same = new ArrayList<>();
        for (String c : t.columns()) {
            Set<String> values = new LinkedHashSet<>();
            t.rows().forEach(r -> values.add(RunTable.text(r.get(c))));
            boolean always = List.of("run_key", "status", "wall_seconds").contains(c) || c.startsWith("nstar.");
            if (always || values.size() > 1) {
                varying.add(c);
            } else if (values.size() == 1 && !values.iterator().next().isEmpty() && !c.equals("finished_at")) {
                same.add(c + "=" + values.iterator().next());
            }
        }
        out.println(t.rows().size() + " of " + total + " runs" + (same.isEmpty() ? "" : "; the same in every one: "
                + String.join(", ", same)));
        if (t.rows().isEmpty()) {
            return;
        }
        Table table = new Table();
        table.row(varying.stream().map(c -> c.equals("run_key") ? "RUN_KEY" : c).toArray(String[]::new));
        for (Map<String, Object> r : t.rows()) {
            table.row(varying.stream().map(c -> {
                String v = RunTable.text(r.get(c));
                if (c.equals("run_key")) {
                    return v.substring(0, Math.min(12, v.length()));
                }
                if (c.equals("wall_seconds") && r.get(c) instanceof Number n) {
                    return String.format(Locale.ROOT, "%.2f", n.doubleValue());
                }
                return v;
            }).toArray(String[]::new));
        }
        table.print(out, "");
    }
}

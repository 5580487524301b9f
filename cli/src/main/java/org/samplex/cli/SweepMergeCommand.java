package org.samplex.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.samplex.sweep.CodeChange;
import org.samplex.sweep.ResultStore;
import org.samplex.sweep.SweepMerge;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code samplex sweep merge DIR}: the shard files of a sweep (and a PostgreSQL sink's rows of its runs) merged
 * into DIR/results.sqlite, one row per run key; says how many rows, distinct keys, and planned runs are missing.
 */
@Command(name = "merge", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Merges DIR/shard-I-of-N.sqlite (every shard file, of any N) into DIR/results.sqlite: one row "
                + "per run key (a run's first result stays; a failure gives way to a result), so that samplex "
                + "report DIR reads the whole sweep. Idempotent: run it again when more shards have ended.",
                "Prints the rows, the distinct run keys and the runs of DIR/plan.json that have no result "
                        + "(missing, or failed); samplex sweep missing DIR writes those as a plan.",
                "Example: samplex sweep merge runs/big && samplex report runs/big"})
final class SweepMergeCommand implements Callable<Integer> {

    @Mixin
    Diagnostics diagnostics;

    @Parameters(index = "0", paramLabel = "DIR", description = "The sweep's folder (the --out of its shards).")
    Path dir;

    @Option(names = "--sink", paramLabel = "JDBC-URL",
            description = "Also copy the runs of this sweep from a PostgreSQL sink (the shards' --sink).")
    String sink;

    @Option(names = CodeChange.OPTION, paramLabel = "refuse|keep", defaultValue = "refuse",
            description = "When the results were computed by different code (their records' code fingerprints "
                    + "differ): refuse (default: say how many of each, merge nothing) or keep (merge them all).")
    String codeChanged;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        SweepMerge.Report r = SweepMerge.merge(dir, sink, CodeChange.parse(codeChanged));
        PrintWriter out = spec.commandLine().getOut();
        out.println("merged " + r.sources().size() + " source" + (r.sources().size() == 1 ? "" : "s") + " into "
                + dir.resolve(ResultStore.FILE_NAME) + ":");
        Table t = new Table().row("SOURCE", "ROWS", "NEW");
        r.sources().forEach(s -> t.row(s.name(), String.valueOf(s.read()), String.valueOf(s.written())));
        t.print(out, "  ");
        String statuses = r.statuses().entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
                .collect(Collectors.joining(", "));
        out.println("results: " + r.rows() + " rows, " + r.distinct() + " distinct run keys"
                + (statuses.isEmpty() ? "" : " (" + statuses + ")"));
        if (!r.codes().isEmpty()) {
            out.println("code: " + SweepMerge.describe(r.codes()) + (r.codes().size() > 1 ? " (mixed: "
                    + CodeChange.OPTION + " keep)" : ""));
        }
        if (r.planned().isEmpty()) {
            out.println("planned: unknown (" + dir + " has no plan.json), so missing runs cannot be told");
        } else {
            out.println("planned: " + r.planned().size() + ", missing: " + r.missing().size() + ", failed: "
                    + r.failed().size() + (r.unplanned() > 0 ? ", not in plan.json: " + r.unplanned() : ""));
            if (r.toDo() > 0) {
                out.println("to run what has no result: samplex sweep missing " + dir + " (writes a plan of those "
                        + r.toDo() + " runs)");
            }
        }
        out.flush();
        return 0;
    }
}

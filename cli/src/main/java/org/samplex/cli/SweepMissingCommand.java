package org.samplex.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.samplex.sweep.SweepMerge;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code samplex sweep missing DIR}: the runs of a sweep's plan that no store of its folder (results.sqlite, the
 * shard files, a sink) has a result for, written as a plan of only those runs.
 */
@Command(name = "missing", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Writes a plan of the runs of DIR/plan.json that have no result in DIR/results.sqlite, the "
                + "shard files or the sink (never stored, or failed): the sweep's plan with only-runs. Run it in "
                + "the same folder (no --extend needed), sharded or not, then merge again.",
                "Example: samplex sweep missing runs/big && samplex sweep run --plan runs/big/missing.json "
                        + "--out runs/big --shard auto/4"})
final class SweepMissingCommand implements Callable<Integer> {

    @Mixin
    Diagnostics diagnostics;

    @Parameters(index = "0", paramLabel = "DIR", description = "The sweep's folder.")
    Path dir;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Where to write the plan; default: DIR/" + SweepMerge.MISSING_FILE + ".")
    Path output;

    @Option(names = "--sink", paramLabel = "JDBC-URL", description = "Also count the results of a PostgreSQL sink.")
    String sink;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        List<String> toDo = SweepMerge.toDo(dir, sink);
        PrintWriter out = spec.commandLine().getOut();
        if (toDo.isEmpty()) {
            out.println("every planned run of " + dir + " has a result; no plan written");
            out.flush();
            return 0;
        }
        Path file = output != null ? output : dir.resolve(SweepMerge.MISSING_FILE);
        SweepMerge.missingPlan(dir, toDo, file);
        out.println(toDo.size() + " planned run" + (toDo.size() == 1 ? "" : "s") + " of " + dir
                + " have no result; their plan: " + file);
        out.println("run them: samplex sweep run --plan " + file + " --out " + dir
                + " [--shard I/N], then samplex sweep merge " + dir);
        out.flush();
        return 0;
    }
}

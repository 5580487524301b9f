package org.samplex.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.samplex.experiment.CodeIdentity;
import org.samplex.experiment.ProgressListener;
import org.samplex.experiment.RunKeys;
import org.samplex.experiment.RunRecord;
import org.samplex.experiment.RunSpec;
import org.samplex.sweep.RecordDiff;
import org.samplex.sweep.ResultStore;
import org.samplex.sweep.ResultStore.StoredRun;
import org.samplex.sweep.RunService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code samplex sweep verify DIR}: reruns stored runs with this samplex and says whether each record is
 * reproduced bit for bit (wall times and thread counts aside: the same seed and backend give the same bits at
 * every thread count), and what else differs (provenance: the code, the JVM). The store is only read.
 */
@Command(name = "verify", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Reruns K stored runs of DIR/results.sqlite (the first K by run key: a fixed, spread-out "
                + "sample) with this samplex and compares each new record with the stored one: reproduced when "
                + "everything but wall times and thread counts is the same bits (n*, the test MSE curve, steps, "
                + "status, spec); differences in provenance (the code fingerprint, the JVM) are listed as notes.",
                "Exit 0 when every run was reproduced, 5 when one was not.",
                "Example: samplex sweep verify runs/fig1a --sample 3"})
final class SweepVerifyCommand implements Callable<Integer> {

    @Mixin
    Diagnostics diagnostics;

    /** Exit code when a stored run was not reproduced. */
    static final int EXIT_NOT_REPRODUCED = 5;

    @Parameters(index = "0", paramLabel = "DIR", description = "The sweep's folder (holds "
            + ResultStore.FILE_NAME + ").")
    Path dir;

    @Option(names = "--sample", paramLabel = "K", defaultValue = "3",
            description = "How many stored runs to rerun (0: all); default: ${DEFAULT-VALUE}.")
    int sample;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "Threads for each rerun; 0 (default) means all processors (the bits do not depend on it).")
    int threads;

    @ParentCommand
    SweepCommand parent;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (sample < 0) {
            throw new IllegalArgumentException("option '--sample' must be at least 0 (0: all), got " + sample);
        }
        if (!Files.isRegularFile(dir.resolve(ResultStore.FILE_NAME))) {
            throw new IllegalArgumentException("no results in " + dir + ": " + ResultStore.FILE_NAME + " is missing");
        }
        List<StoredRun> rows;
        try (ResultStore store = ResultStore.open(dir)) {
            rows = store.all().stream().filter(r -> r.recordJson() != null).toList();
        }
        List<StoredRun> chosen = sample == 0 ? rows : rows.subList(0, Math.min(sample, rows.size()));
        RunService trainer = RunService.of(parent.root.services());
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Table table = new Table().row("KEY", "RUN", "RESULT", "NOTES");
        int failed = 0;
        for (StoredRun row : chosen) {
            RunRecord stored = RunRecord.fromJson(row.recordJson());
            RunSpec s = stored.spec().toBuilder().threads(threads).build();
            String label = s.learner() + (stored.shape() != null ? " N=" + stored.shape().positions() : "")
                    + " seed=" + s.seed();
            err.println("samplex: rerunning " + row.runKey().substring(0, RunKeys.PREFIX_LENGTH) + " " + label);
            err.flush();
            RunRecord now = trainer.run(s, ProgressListener.NONE);
            RecordDiff diff = RecordDiff.of(row.recordJson(), now);
            failed += diff.reproduced() ? 0 : 1;
            table.row(row.runKey().substring(0, RunKeys.PREFIX_LENGTH), label,
                    diff.reproduced() ? "reproduced bit for bit" : "DIFFERS: " + String.join("; ", diff.results()),
                    notes(stored, now, diff));
        }
        table.print(out, "");
        out.println();
        out.println(String.format(Locale.ROOT, "%d of %d stored runs rerun (of %d with a result in %s): %d "
                + "reproduced bit for bit, %d not.", chosen.size(), chosen.size(), rows.size(), dir,
                chosen.size() - failed, failed));
        out.flush();
        return failed == 0 ? 0 : EXIT_NOT_REPRODUCED;
    }

    /** What else differs: the code (which modules) and other provenance. */
    private static String notes(RunRecord stored, RunRecord now, RecordDiff diff) {
        CodeIdentity then = CodeIdentity.fromProvenance(stored.provenance());
        CodeIdentity current = CodeIdentity.fromProvenance(now.provenance());
        String code = then == null ? "stored without a code identity"
                : current != null && !then.fingerprint().equals(current.fingerprint())
                ? "other code: " + then.describe() + " then, " + current.describe() + " now; modules: "
                + String.join(", ", then.modulesDifferingFrom(current))
                : "same code";
        List<String> other = diff.provenance().stream().filter(p -> !p.startsWith("code")).toList();
        return code + (other.isEmpty() ? "" : "; provenance also differs at " + String.join(", ", other));
    }
}

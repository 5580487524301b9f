package org.samplex.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.samplex.sweep.CodeChange;
import org.samplex.sweep.Plan;
import org.samplex.sweep.Shard;
import org.samplex.sweep.Sweep;
import org.samplex.sweep.RunService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code samplex sweep run}: a grid of runs from flags and/or a plan file, run by a worker pool into a results
 * store in {@code --out}; rerunning the same command resumes. Every run is resolved (its options checked) before
 * any starts.
 */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs a grid of runs of the online protocol into DIR/results.sqlite (one row per run, "
                + "keyed by the SHA-256 of its spec) and saves the plan as DIR/plan.json.",
                "The grid is the cross product of learners, N, q, seeds and every option given with several values "
                        + "(--learner-option heads=1,2,3); a plan file (--plan) has the same keys, and flags "
                        + "override it.",
                "Rerunning the same command skips finished runs (resume); a different plan in the same folder is "
                        + "refused unless --extend. A run that throws is recorded as failed and the sweep goes on "
                        + "(exit 4 at the end); censored and diverged runs are results.",
                "Scale-out: --shard I/N runs one of N parts of the plan (auto/N takes I from SLURM_ARRAY_TASK_ID or "
                        + "JOB_COMPLETION_INDEX) into DIR/shard-I-of-N.sqlite; samplex sweep merge DIR joins them.",
                "Example: samplex sweep run --learners transformer,gru,mlp --N 2,4,6,8 --seeds 5 "
                        + "--thresholds 0.7 --out runs/fig1a --workers 2",
                "Example: samplex sweep run --plan plan.yaml --out /shared/runs/big --shard auto/64"})
final class SweepRunCommand implements Callable<Integer> {

    @Mixin
    SweepPlanOptions planOptions;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "The sweep's folder: results.sqlite and plan.json (created when absent).")
    Path out;

    @Option(names = "--workers", defaultValue = "1", paramLabel = "W",
            description = "Runs at once, each on its own backend with max(1, threads / W) threads; "
                    + "default: ${DEFAULT-VALUE}.")
    int workers;

    @Mixin
    PackOption pack;

    @Option(names = "--shard", paramLabel = "I/N|auto/N",
            description = "Run only shard I of N (0 <= I < N): the plan's runs sorted by run key (or cost, "
                    + "--shard-order) and dealt by position modulo N. Results go to DIR/shard-I-of-N.sqlite. auto/N "
                    + "takes I from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX.")
    String shard;

    @Option(names = "--shard-order", paramLabel = "key|cost", defaultValue = "key",
            description = "How runs are ordered before they are dealt to shards: key (default) or cost (the "
                    + "estimated cost, longest first, so shards get similar work). Every shard must use the same.")
    String shardOrder;

    @Option(names = "--sink", paramLabel = "JDBC-URL",
            description = "Store results in PostgreSQL instead (jdbc:postgresql://HOST[:PORT]/DB?user=...): "
                    + "tables samplex_runs and samplex_claims, shared by every shard on every host; samplex sweep "
                    + "merge DIR --sink URL copies them into DIR/results.sqlite.")
    String sink;

    @Option(names = "--dry-run", description = "List the runs, whether the store has them, and an estimated cost; "
            + "run nothing.")
    boolean dryRun;

    @Option(names = "--no-probe", description = "With --dry-run: estimate times only from runs the store has "
            + "measured, without probing this machine (a probe takes seconds per learner and shape).")
    boolean noProbe;

    @Option(names = "--extend", description = "Accept a plan that differs from the one saved in --out: its new "
            + "runs are added, results already there stay.")
    boolean extend;

    @Option(names = CodeChange.OPTION, paramLabel = "refuse|rerun|keep", defaultValue = "refuse",
            description = {"Stored runs of this plan computed by other code (their records' code fingerprint "
                    + "differs from this samplex's, or they have none): refuse (default: say how many and stop), "
                    + "rerun (delete those rows and run them again) or keep (keep them, saying how many)."})
    String codeChanged;

    @Mixin
    Diagnostics diagnostics;

    @ParentCommand
    SweepCommand parent;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Sweep.Scope scope = scope();
        Plan p = planOptions.plan();
        RunService trainer = RunService.of(parent.root.services());
        return SweepCommandSupport.execute(spec, trainer, p, new SweepCommandSupport.Settings(out, null, workers,
                planOptions.threads(), dryRun, extend, scope, CodeChange.parse(codeChanged), !noProbe, pack.pack));
    }

    /** Which runs and where: --shard, --shard-order, --sink. */
    private Sweep.Scope scope() {
        Shard part = shard == null ? null : Shard.parse(shard, System.getenv());
        return new Sweep.Scope(part, order(shardOrder), sink);
    }

    /** The text of --shard-order as an order. */
    static Shard.Order order(String text) {
        return switch (text.strip()) {
            case "key" -> Shard.Order.KEY;
            case "cost" -> Shard.Order.COST;
            default -> throw new IllegalArgumentException("option '--shard-order' takes key or cost, got '" + text
                    + "'");
        };
    }
}

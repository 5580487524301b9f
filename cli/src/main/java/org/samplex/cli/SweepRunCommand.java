package org.samplex.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.samplex.experiment.sweep.Plan;
import org.samplex.experiment.sweep.Trainer;
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
                "Example: samplex sweep run --learners transformer,gru,mlp --N 2,4,6,8 --seeds 5 "
                        + "--thresholds 0.7 --out runs/fig1a --workers 2"})
final class SweepRunCommand implements Callable<Integer> {

    @Option(names = "--learners", split = ",", paramLabel = "NAME",
            description = "Architectures, comma-separated (samplex list learners).")
    List<String> learners;

    @Option(names = "--N", split = ",", paramLabel = "N", description = "Sequence lengths, comma-separated.")
    List<String> positions;

    @Option(names = "--q", split = ",", paramLabel = "Q", description = "Pointers per token, comma-separated.")
    List<String> pointers;

    @Option(names = "--seeds", paramLabel = "COUNT|S,S,...",
            description = "A number of seeds (0, 1, ...: 5 means 0 to 4) or a list of seeds; default: 1 (seed 0).")
    String seeds;

    @Option(names = "--first-seed", paramLabel = "S", description = "With a count of seeds: the first; default: 0.")
    String firstSeed;

    @Option(names = "--plan", paramLabel = "FILE",
            description = "A YAML plan with the same keys (learners, N, q, seeds, thresholds, task-options, "
                    + "learner-options, cap, ...; or a saved plan.json); flags override its values.")
    Path plan;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "The sweep's folder: results.sqlite and plan.json (created when absent).")
    Path out;

    @Option(names = "--workers", defaultValue = "1", paramLabel = "W",
            description = "Runs at once, each on its own backend with max(1, threads / W) threads; "
                    + "default: ${DEFAULT-VALUE}.")
    int workers;

    @Option(names = "--dry-run", description = "List the runs, whether the store has them, and an estimated cost; "
            + "run nothing.")
    boolean dryRun;

    @Option(names = "--extend", description = "Accept a plan that differs from the one saved in --out: its new "
            + "runs are added, results already there stay.")
    boolean extend;

    @Mixin
    ProtocolOptions protocol;

    @Option(names = {"-v", "--verbose"}, description = "Print the stack trace of an internal error.")
    boolean verbose;

    @ParentCommand
    SweepCommand parent;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Plan p = Plan.of(plan, flags());
        Trainer trainer = Trainer.of(parent.root.services());
        int threads = protocol.threads == null ? 0 : protocol.threads;
        return SweepCommandSupport.execute(spec, trainer, p,
                new SweepCommandSupport.Settings(out, null, workers, threads, dryRun, extend));
    }

    /** The flags given, as plan keys. */
    private Map<String, Object> flags() {
        Map<String, Object> m = new LinkedHashMap<>(protocol.planKeys());
        m.put("learners", learners);
        m.put("N", positions);
        m.put("q", pointers);
        m.put("seeds", seeds);
        m.put("first-seed", firstSeed);
        return m;
    }
}

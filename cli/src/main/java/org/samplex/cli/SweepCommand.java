package org.samplex.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code samplex sweep}: the group of sweep commands (run, merge, missing, submit); alone, it says which there are
 * (a usage error).
 */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        subcommands = {SweepRunCommand.class, SweepMergeCommand.class, SweepMissingCommand.class,
                SweepSubmitCommand.class, SweepVerifyCommand.class},
        description = {"Grids of runs with a resumable results store: samplex sweep run --help.",
                "Scale-out: shards of one plan on many machines (Slurm job arrays, Kubernetes Indexed Jobs), each "
                        + "into its own DIR/shard-I-of-N.sqlite, then merged into DIR/results.sqlite.",
                "Example: samplex sweep run --learners transformer,gru,mlp --N 2,4,6,8 --seeds 5 --thresholds 0.7 "
                        + "--out runs/fig1a",
                "Example: samplex sweep run --plan plan.yaml --out /shared/runs/big --shard auto/64  (one task of an "
                        + "array; auto takes the index from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX)",
                "Example: samplex sweep submit slurm --plan plan.yaml --out /shared/runs/big --shards 64 "
                        + "--concurrent 16 --gpus-per-shard 1  (writes samplex-sweep.sbatch; then sbatch it)",
                "Example: samplex sweep submit k8s --plan plan.yaml --out /data/runs/big --shards 64 "
                        + "--gpus-per-shard 1 --image ghcr.io/you/samplex:0.1.0 --pvc sweeps [--apply]",
                "Example: samplex sweep merge /shared/runs/big && samplex report /shared/runs/big",
                "Example: samplex sweep missing /shared/runs/big  (a plan of the runs without a result, to run "
                        + "again)",
                "Example: samplex sweep verify runs/fig1a --sample 3  (rerun 3 stored runs: reproduced bit for bit?)"})
final class SweepCommand implements Callable<Integer> {

    @ParentCommand
    Samplex root;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return Errors.missingCommand(spec);
    }
}

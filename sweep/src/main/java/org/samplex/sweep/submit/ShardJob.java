package org.samplex.sweep.submit;

import java.util.ArrayList;
import java.util.List;
import org.samplex.sweep.Shard;

/**
 * A sweep as a batch job of {@code shards} tasks, each running {@code samplex sweep run --shard}: what the Slurm
 * array script and the Kubernetes Indexed Job have in common.
 *
 * <p>GPU placement: a task with G GPUs runs one process per GPU (each sees only its GPU), each with
 * {@code runsPerGpu} workers; task i's processes run shards i*G .. i*G+G-1 of shards*G. With G = 1 (or no GPU),
 * task i runs shard i of shards, its index taken from the scheduler ({@code --shard auto/N}).
 *
 * @param name         the job's name
 * @param planJson     the plan, as JSON, that every task runs
 * @param out          the sweep's folder as the tasks see it
 * @param shards       tasks, at least 1
 * @param concurrent   tasks at once; 0 for no limit
 * @param gpusPerShard GPUs per task, 0 for none
 * @param runsPerGpu   runs at once per GPU, at least 1
 * @param workers      runs at once per task without GPUs, at least 1
 * @param threads      threads per task (--threads), or null for the task's processors
 * @param order        how runs are dealt
 * @param sink         a PostgreSQL JDBC URL, or null
 * @param samplex      the samplex command on the nodes
 * @param plugins      the plug-in folder as the nodes see it (passed as --plugins), or null for the nodes' own
 *                     (SAMPLEX_PLUGINS or ~/.samplex/plugins)
 * @param runs         runs in the plan (for comments)
 */
public record ShardJob(String name, String planJson, String out, int shards, int concurrent, int gpusPerShard,
                int runsPerGpu, int workers, Integer threads, Shard.Order order, String sink, String samplex,
                String plugins, int runs) {

    public ShardJob {
        if (shards < 1) {
            throw new IllegalArgumentException("option '--shards' must be at least 1, got " + shards);
        }
        if (concurrent < 0) {
            throw new IllegalArgumentException("option '--concurrent' must be at least 1, got " + concurrent);
        }
        if (gpusPerShard < 0) {
            throw new IllegalArgumentException("option '--gpus-per-shard' must be at least 0, got " + gpusPerShard);
        }
        if (runsPerGpu < 1) {
            throw new IllegalArgumentException("option '--runs-per-gpu' must be at least 1, got " + runsPerGpu);
        }
        if (workers < 1) {
            throw new IllegalArgumentException("option '--workers' must be at least 1, got " + workers);
        }
        if (threads != null && threads < 0) {
            throw new IllegalArgumentException("option '--threads' must be at least 0, got " + threads);
        }
    }

    /** Processes per task: one per GPU, or one. */
    public int processes() {
        return Math.max(1, gpusPerShard);
    }

    /** Shards in all: one per process. */
    public int totalShards() {
        return shards * processes();
    }

    /** Runs at once in one process. */
    public int workersPerProcess() {
        return gpusPerShard > 0 ? runsPerGpu : workers;
    }

    /**
     * The arguments after the samplex command for one process.
     *
     * @param plan  the plan file's path on the node
     * @param shard the --shard value (auto/N, or an expression the shell expands)
     */
    public List<String> runArguments(String plan, String shard) {
        List<String> a = new ArrayList<>();
        if (plugins != null) {
            a.addAll(List.of("--plugins", plugins));
        }
        a.addAll(List.of("sweep", "run", "--plan", plan, "--out", out, "--shard", shard, "--workers",
                String.valueOf(workersPerProcess())));
        if (threads != null) {
            a.addAll(List.of("--threads", String.valueOf(threads)));
        }
        if (order == Shard.Order.COST) {
            a.addAll(List.of("--shard-order", "cost"));
        }
        if (sink != null) {
            a.addAll(List.of("--sink", sink));
        }
        return a;
    }

    /** A word for a POSIX shell: as it is when it is safe, else in single quotes. */
    public static String quote(String word) {
        if (word.matches("[A-Za-z0-9_./:=@%+,-]+")) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /** Shard sizes, for comments: "25 runs each" or "25 or 26 runs each". */
    public String perShard() {
        int n = totalShards();
        int small = runs / n;
        int large = (runs + n - 1) / n;
        return (small == large ? String.valueOf(small) : small + " or " + large) + " runs each";
    }
}

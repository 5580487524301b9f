package org.samplex.sweep.submit;

import java.util.ArrayList;
import java.util.List;

/**
 * The sbatch script of a sweep as a Slurm job array: one array task per shard ({@code --array=0-(N-1)%K}),
 * {@code --gres=gpu:G} for GPUs, and the plan inside the script (a here-document written to a temporary file at
 * run time), so the script is all a task needs besides samplex and the sweep's folder.
 */
public final class SlurmArrayScript {

    /** The here-document's end marker; JSON never has a line of its own with it. */
    private static final String PLAN_END = "SAMPLEX_PLAN";

    /**
     * Slurm's own settings.
     *
     * @param partition   --partition, or null
     * @param time        --time (e.g. 24:00:00), or null
     * @param cpus        --cpus-per-task, or null
     * @param memory      --mem (e.g. 32G), or null
     * @param account     --account, or null
     * @param logs        --output pattern (e.g. logs/%x-%A_%a.out), or null for Slurm's default
     * @param extra       more #SBATCH lines, each the option as sbatch takes it (e.g. --qos=long)
     */
    public record SlurmOptions(String partition, String time, Integer cpus, String memory, String account, String logs,
                        List<String> extra) {

        public SlurmOptions {
            extra = extra == null ? List.of() : List.copyOf(extra);
            if (cpus != null && cpus < 1) {
                throw new IllegalArgumentException("option '--cpus-per-shard' must be at least 1, got " + cpus);
            }
            for (String e : extra) {
                if (!e.startsWith("-") || e.contains("\n")) {
                    throw new IllegalArgumentException("option '--sbatch-option' takes one sbatch option such as "
                            + "--qos=long, got '" + e + "'");
                }
            }
        }
    }

    private SlurmArrayScript() {
    }

    /** The script's text. */
    public static String write(ShardJob job, SlurmOptions o, String version) {
        List<String> l = new ArrayList<>();
        l.add("#!/bin/bash");
        l.add("#SBATCH --job-name=" + job.name());
        l.add("#SBATCH --array=0-" + (job.shards() - 1) + (job.concurrent() > 0 ? "%" + job.concurrent() : ""));
        if (job.gpusPerShard() > 0) {
            l.add("#SBATCH --gres=gpu:" + job.gpusPerShard());
        }
        add(l, "--cpus-per-task", o.cpus() == null ? null : String.valueOf(o.cpus()));
        add(l, "--mem", o.memory());
        add(l, "--time", o.time());
        add(l, "--partition", o.partition());
        add(l, "--account", o.account());
        add(l, "--output", o.logs());
        o.extra().forEach(e -> l.add("#SBATCH " + e));
        l.add("#");
        l.add("# samplex sweep: " + job.runs() + " runs in " + job.totalShards() + " shards (" + job.perShard()
                + ") as a Slurm job array of " + job.shards() + " tasks; written by samplex sweep submit slurm "
                + "(samplex " + version + ").");
        l.add("# Submit:    sbatch THIS-FILE");
        l.add("# Retry:     sbatch --array=I THIS-FILE reruns task I; a shard run again skips the runs it has.");
        l.add("# When done: samplex sweep merge " + job.out() + "   (then: samplex report " + job.out() + ")");
        l.add("# Locally:   SLURM_ARRAY_TASK_ID=I bash THIS-FILE runs task I here.");
        l.add("set -euo pipefail");
        l.add("");
        l.add("samplex=${SAMPLEX:-" + ShardJob.quote(job.samplex()) + "}");
        l.add(": \"${SLURM_ARRAY_TASK_ID:?not a Slurm array task: submit this script with sbatch, or set "
                + "SLURM_ARRAY_TASK_ID to run one task here}\"");
        l.add("");
        l.add("# The plan that samplex sweep submit checked; every task runs this same plan.");
        l.add("plan=$(mktemp \"${TMPDIR:-/tmp}/samplex-plan.XXXXXX\")");
        l.add("trap 'rm -f \"$plan\"' EXIT");
        l.add("cat > \"$plan\" <<'" + PLAN_END + "'");
        l.addAll(job.planJson().strip().lines().toList());
        l.add(PLAN_END);
        l.add("");
        if (job.processes() == 1) {
            String what = job.gpusPerShard() == 1 ? "one GPU, " + job.runsPerGpu() + " run" + (job.runsPerGpu() == 1
                    ? "" : "s") + " at once on it" : job.workers() + " run" + (job.workers() == 1 ? "" : "s")
                    + " at once";
            l.add("# Task i runs shard i of " + job.shards() + " (" + what + ").");
            l.add("\"$samplex\" " + words(job.runArguments("\"$plan\"", "auto/" + job.shards())));
        } else {
            int g = job.gpusPerShard();
            l.add("# " + g + " GPUs per task: one process per GPU, " + job.runsPerGpu() + " run"
                    + (job.runsPerGpu() == 1 ? "" : "s") + " at once on each; task i runs shards " + g + "i to "
                    + g + "i+" + (g - 1) + " of " + job.totalShards() + ".");
            l.add("IFS=, read -r -a gpus <<< \"${CUDA_VISIBLE_DEVICES:-" + range(g) + "}\"");
            l.add("if (( ${#gpus[@]} < " + g + " )); then");
            l.add("  echo \"samplex: this task sees ${#gpus[@]} GPUs (CUDA_VISIBLE_DEVICES=${CUDA_VISIBLE_DEVICES:-}),"
                    + " not " + g + "\" >&2");
            l.add("  exit 1");
            l.add("fi");
            l.add("pids=()");
            l.add("for k in $(seq 0 " + (g - 1) + "); do");
            l.add("  CUDA_VISIBLE_DEVICES=\"${gpus[$k]}\" \"$samplex\" " + words(job.runArguments("\"$plan\"",
                    "\"$(( SLURM_ARRAY_TASK_ID * " + g + " + k ))/" + job.totalShards() + "\"")) + " &");
            l.add("  pids+=(\"$!\")");
            l.add("done");
            l.add("status=0");
            l.add("for p in \"${pids[@]}\"; do wait \"$p\" || status=$?; done");
            l.add("exit \"$status\"");
        }
        return String.join("\n", l) + "\n";
    }

    private static void add(List<String> l, String option, String value) {
        if (value != null) {
            if (value.isBlank() || value.contains("\n") || value.contains(" ")) {
                throw new IllegalArgumentException("the sbatch value of " + option + " must be one word, got '"
                        + value + "'");
            }
            l.add("#SBATCH " + option + "=" + value);
        }
    }

    /** "0,1,...,g-1". */
    private static String range(int g) {
        List<String> ids = new ArrayList<>();
        for (int k = 0; k < g; k++) {
            ids.add(String.valueOf(k));
        }
        return String.join(",", ids);
    }

    /** Arguments for bash: shell expansions (starting with ") kept, others quoted. */
    private static String words(List<String> args) {
        List<String> out = new ArrayList<>();
        for (String a : args) {
            out.add(a.startsWith("\"") ? a : ShardJob.quote(a));
        }
        return String.join(" ", out);
    }
}

package org.samplex.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.samplex.api.Services;
import org.samplex.experiment.CodeIdentity;
import org.samplex.experiment.IoErrors;
import org.samplex.experiment.Json;
import org.samplex.experiment.ProgressListener;
import org.samplex.experiment.RunRecord;
import org.samplex.experiment.RunSpec;
import org.samplex.experiment.Settings;
import org.samplex.sweep.Plan;
import org.samplex.sweep.PlannedRun;
import org.samplex.sweep.RunService;
import org.samplex.sweep.Sweep;
import org.samplex.sweep.submit.IndexedJobManifest;
import org.samplex.sweep.submit.ShardJob;
import org.samplex.sweep.submit.SlurmArrayScript;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code samplex sweep submit}: the group of batch-job writers, {@code slurm} (an sbatch job-array script) and
 * {@code k8s} (a Kubernetes Indexed Job); alone, it says which there are (a usage error). What they share: the
 * plan, expanded and checked here before anything is written, and the shape of the job ({@link Options}).
 */
@Command(name = "submit", mixinStandardHelpOptions = true,
        subcommands = {SweepSubmitCommand.Slurm.class, SweepSubmitCommand.Kubernetes.class},
        description = {"Writes a batch job that runs a sweep in shards on a cluster: samplex sweep submit slurm "
                + "--help, samplex sweep submit k8s --help. The plan is expanded and checked here first.",
                "Example: samplex sweep submit slurm --plan plan.yaml --out /shared/runs/big --shards 64 "
                        + "--concurrent 16 --gpus-per-shard 1"})
final class SweepSubmitCommand implements Callable<Integer> {

    @ParentCommand
    SweepCommand parent;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return Errors.missingCommand(spec);
    }

    /** The options of both writers (a picocli mixin). */
    static final class Options {

        @Mixin
        SweepPlanOptions plan;

        @Option(names = "--out", required = true, paramLabel = "DIR",
                description = "The sweep's folder as the tasks see it (shared storage: every shard writes its "
                        + "shard-I-of-N.sqlite there).")
        String out;

        @Option(names = "--shards", required = true, paramLabel = "N", description = "Tasks in the job, one shard "
                + "each (with G GPUs per task: G shards each).")
        int shards;

        @Option(names = "--concurrent", paramLabel = "K", defaultValue = "0",
                description = "Tasks running at once; default: no limit (all N).")
        int concurrent;

        @Option(names = "--gpus-per-shard", paramLabel = "G", defaultValue = "0",
                description = "GPUs per task; each GPU gets its own samplex process (one run on it at once unless "
                        + "--runs-per-gpu); default: 0 (CPU only).")
        int gpusPerShard;

        @Option(names = "--runs-per-gpu", paramLabel = "R", defaultValue = "1",
                description = "Runs at once on one GPU (pack small runs); default: 1.")
        int runsPerGpu;

        @Option(names = "--workers", paramLabel = "W", defaultValue = "1",
                description = "Runs at once in a task without GPUs; default: 1.")
        int workers;

        @Option(names = "--shard-order", paramLabel = "key|cost", defaultValue = "key",
                description = "How runs are dealt to shards: by run key (default) or by cost, longest first.")
        String shardOrder;

        @Option(names = "--sink", paramLabel = "JDBC-URL",
                description = "Store results in PostgreSQL instead of shard files (jdbc:postgresql://...).")
        String sink;

        @Option(names = "--samplex", paramLabel = "COMMAND", defaultValue = "samplex",
                description = "The samplex command on the nodes (in the image, for k8s); default: samplex.")
        String samplex;

        @Option(names = "--name", paramLabel = "NAME", defaultValue = "samplex-sweep",
                description = "The job's name (a DNS label for k8s); default: samplex-sweep.")
        String name;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE",
                description = "Where to write the script or manifest; default: NAME.sbatch or NAME.yaml here; - for "
                        + "stdout.")
        String output;

        /**
         * The plan, expanded with the backends named rather than probed, and the job. A plug-in folder asked for
         * here (--plugins or SAMPLEX_PLUGINS) is passed on to the tasks by its absolute path, which they must see
         * too (a shared file system, or a volume at the same path in the image); with the default folder the
         * tasks use their own.
         */
        ShardJob job(Samplex root) {
            Services services = root.services();
            PluginFolder folder = root.pluginFolder();
            String plugins = folder.source().equals("default") ? null : folder.path().toAbsolutePath().toString();
            if (name.isBlank() || !name.matches("[A-Za-z0-9_.-]+")) {
                throw new IllegalArgumentException("option '--name' takes letters, digits, '.', '_' and '-', got '"
                        + name + "'");
            }
            Sweep.Scope scope = new Sweep.Scope(null, SweepRunCommand.order(shardOrder), sink);
            Plan p = plan.plan();
            List<PlannedRun> runs = p.expand(checking(RunService.of(services), services));
            if (runs.isEmpty()) {
                throw new IllegalArgumentException("the plan has no runs");
            }
            Integer threads = plan.protocol.given(Settings.THREADS);
            int total = shards * Math.max(1, gpusPerShard);
            if (total > runs.size()) {
                throw new IllegalArgumentException("option '--shards' is " + shards + (gpusPerShard > 1 ? " with "
                        + gpusPerShard + " GPUs each (one shard per GPU): " + total + " shards" : "") + " for a plan "
                        + "of " + runs.size() + " runs; some shards would have nothing to do: give at most "
                        + Math.max(1, runs.size() / Math.max(1, gpusPerShard)) + " tasks");
            }
            return new ShardJob(name, Json.canonical(p.toMap()), out, shards, concurrent, gpusPerShard, runsPerGpu,
                    workers, threads, scope.order(), scope.sink(), samplex, plugins, runs.size());
        }

        /** A note when tasks get GPUs but the plan lets each node pick its backend; null otherwise. */
        String backendNote() {
            if (gpusPerShard == 0) {
                return null;
            }
            boolean allCuda = plan.plan().toMap().get("grids") instanceof List<?> grids && grids.stream()
                    .allMatch(g -> g instanceof Map<?, ?> m && "cuda".equals(m.get("backend")));
            return allCuda ? null : "note: the plan's backend is not cuda everywhere: with 'auto' each node picks its "
                    + "best backend, so a node whose GPU does not work runs on cpu (other run keys); --backend cuda "
                    + "makes such a task fail instead";
        }

        /** Writes the text to --output (or the default file, or stdout) and says where. */
        Path write(String text, String extension, PrintWriter stdout) {
            if ("-".equals(output)) {
                stdout.print(text);
                stdout.flush();
                return null;
            }
            Path file = Path.of(output != null ? output : name + extension);
            try {
                Path parent = file.toAbsolutePath().getParent();
                Files.createDirectories(parent);
                Files.writeString(file, text, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw IoErrors.unchecked("cannot write " + file, e);
            }
            return file;
        }
    }

    /**
     * A trainer that checks every run's options as the real one does, but names backends instead of probing them:
     * the machine that writes the job (a login node) need not have the GPUs the tasks will use. "auto" stays for
     * the tasks to resolve; the keys computed here are thrown away.
     */
    static RunService checking(RunService real, Services services) {
        return new RunService.Forwarding(real) {
            @Override
            public String backend(String requested) {
                if (requested.equals("auto")) {
                    return "auto (chosen on each node)";
                }
                if (services.backends().stream().anyMatch(f -> f.name().equals(requested))) {
                    return requested;
                }
                return real.backend(requested);
            }

            @Override
            public RunRecord run(RunSpec resolvedSpec, ProgressListener listener) {
                throw new UnsupportedOperationException("a plan being checked is not run");
            }

            @Override
            public Probe probe(RunSpec resolvedSpec, int threads) {
                return null;
            }

            @Override
            public CodeIdentity codeIdentity(RunSpec resolvedSpec) {
                return null;
            }
        };
    }

    /** {@code samplex sweep submit slurm}: an sbatch job-array script. */
    @Command(name = "slurm", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Writes an sbatch script of a Slurm job array: one task per shard (--array=0-(N-1)%%K), "
                    + "--gres=gpu:G with GPUs, the plan inside the script, and the samplex sweep run --shard line. "
                    + "Prints how to submit it.",
                    "Example: samplex sweep submit slurm --learners transformer,gru,mlp --N 8,16,32,64 --seeds 5 "
                            + "--thresholds 0.7 --out /shared/runs/big --shards 8 --concurrent 4 "
                            + "--gpus-per-shard 1 --time 24:00:00 --partition gpu"})
    static final class Slurm implements Callable<Integer> {

        @Mixin
        Options options;

        @Option(names = "--partition", paramLabel = "NAME", description = "#SBATCH --partition.")
        String partition;

        @Option(names = "--time", paramLabel = "LIMIT", description = "#SBATCH --time, e.g. 24:00:00.")
        String time;

        @Option(names = "--cpus-per-shard", paramLabel = "C", description = "#SBATCH --cpus-per-task.")
        Integer cpus;

        @Option(names = "--memory", paramLabel = "SIZE", description = "#SBATCH --mem, e.g. 32G.")
        String memory;

        @Option(names = "--account", paramLabel = "NAME", description = "#SBATCH --account.")
        String account;

        @Option(names = "--log", paramLabel = "PATTERN",
                description = "#SBATCH --output, e.g. logs/%%x-%%A_%%a.out (the folder must exist); default: "
                        + "Slurm's.")
        String log;

        @Option(names = "--sbatch-option", paramLabel = "OPTION",
                description = "Another #SBATCH line, e.g. --qos=long (repeatable).")
        List<String> extra;

        @ParentCommand
        SweepSubmitCommand parent;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            SlurmArrayScript.SlurmOptions slurm = new SlurmArrayScript.SlurmOptions(partition, time, cpus, memory,
                    account, log, extra);
            ShardJob job = options.job(parent.parent.root);
            String script = SlurmArrayScript.write(job, slurm, Samplex.version());
            PrintWriter out = spec.commandLine().getOut();
            Path file = options.write(script, ".sbatch", out);
            if (file != null) {
                out.println("wrote " + file + ": " + job.runs() + " runs in " + job.totalShards() + " shards ("
                        + job.perShard() + "), a job array of " + job.shards() + " tasks");
                out.println("submit: sbatch " + file);
                if (options.backendNote() != null) {
                    out.println(options.backendNote());
                }
                out.println("then:   samplex sweep merge " + job.out() + " && samplex report " + job.out());
                out.flush();
            }
            return 0;
        }
    }

    /** {@code samplex sweep submit k8s}: a Kubernetes Indexed Job, optionally created in the cluster. */
    @Command(name = "k8s", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Writes a Kubernetes manifest: a ConfigMap with the plan and an Indexed Job "
                    + "(completions N, parallelism K, backoffLimitPerIndex, GPU limits) whose pods run samplex sweep "
                    + "run --shard auto/N. With --apply, creates them through the Kubernetes client (module "
                    + "org.samplex.kubernetes); else prints the kubectl command.",
                    "Example: samplex sweep submit k8s --plan plan.yaml --out /data/runs/big --shards 8 "
                            + "--concurrent 4 --gpus-per-shard 1 --image ghcr.io/you/samplex:0.1.0 --pvc sweeps"})
    static final class Kubernetes implements Callable<Integer> {

        @Mixin
        Options options;

        @Option(names = "--image", required = true, paramLabel = "IMAGE",
                description = "The container image with samplex.")
        String image;

        @Option(names = "--namespace", paramLabel = "NAME", description = "The namespace; default: the client's.")
        String namespace;

        @Option(names = "--pvc", paramLabel = "CLAIM",
                description = "A PersistentVolumeClaim (ReadWriteMany) that holds --out, mounted at --mount.")
        String claim;

        @Option(names = "--mount", paramLabel = "PATH", defaultValue = "/data",
                description = "Where --pvc is mounted; default: /data.")
        String mountPath;

        @Option(names = "--cpus-per-shard", paramLabel = "CPU", description = "CPU request and limit, e.g. 8.")
        String cpus;

        @Option(names = "--memory", paramLabel = "SIZE", description = "Memory request and limit, e.g. 32Gi.")
        String memory;

        @Option(names = "--gpu-resource", paramLabel = "NAME", defaultValue = "nvidia.com/gpu",
                description = "The GPU's resource name; default: nvidia.com/gpu.")
        String gpuResource;

        @Option(names = "--backoff-limit-per-index", paramLabel = "B", defaultValue = "3",
                description = "Retries of one shard's pod before the index counts as failed; default: 3.")
        int backoffLimitPerIndex;

        @Option(names = "--apply", description = "Create the ConfigMap and the Job in the cluster (KUBECONFIG, "
                + "~/.kube/config, or the pod's service account).")
        boolean apply;

        @Option(names = "--client-lib", paramLabel = "DIR",
                description = "The folder of the Kubernetes client's jars; default: $SAMPLEX_KUBERNETES_LIB, else "
                        + "kubernetes/target/lib of this build.")
        Path clientLib;

        @ParentCommand
        SweepSubmitCommand parent;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            if (!IndexedJobManifest.isDnsLabel(options.name)) {
                throw new IllegalArgumentException("option '--name' must be a DNS label for Kubernetes (lower-case "
                        + "letters, digits and '-', at most 63), got '" + options.name + "'");
            }
            IndexedJobManifest.KubernetesOptions k8s = new IndexedJobManifest.KubernetesOptions(image, namespace,
                    claim, mountPath, cpus, memory, gpuResource, backoffLimitPerIndex);
            ShardJob job = options.job(parent.parent.root);
            String manifest = IndexedJobManifest.write(job, k8s, Samplex.version());
            PrintWriter out = spec.commandLine().getOut();
            Path file = options.write(manifest, ".yaml", out);
            if (file != null) {
                out.println("wrote " + file + ": " + job.runs() + " runs in " + job.totalShards() + " shards ("
                        + job.perShard() + "), an Indexed Job of " + job.shards() + " pods");
            }
            if (options.backendNote() != null) {
                out.println(options.backendNote());
            }
            if (apply) {
                KubernetesApply.create(manifest, namespace, clientLib).forEach(out::println);
            } else if (file != null) {
                out.println("create: kubectl apply -f " + file + " (or add --apply)");
            }
            if (file != null) {
                out.println("then:   samplex sweep merge " + job.out() + " && samplex report " + job.out());
            }
            out.flush();
            return 0;
        }
    }
}

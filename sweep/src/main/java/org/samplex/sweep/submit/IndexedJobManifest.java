package org.samplex.sweep.submit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Kubernetes manifest of a sweep: a ConfigMap holding the plan and an Indexed Job (batch/v1,
 * {@code completionMode: Indexed}) of one pod per shard, each running {@code samplex sweep run --shard auto/N}
 * with its index from JOB_COMPLETION_INDEX, retried per index ({@code backoffLimitPerIndex}, which needs
 * {@code restartPolicy: Never}). Written as text by samplex: no Kubernetes client is needed to write it.
 */
public final class IndexedJobManifest {

    /** Where the plan's ConfigMap is mounted in each pod. */
    static final String PLAN_DIR = "/etc/samplex";

    /**
     * The cluster's settings.
     *
     * @param image                the container image with samplex
     * @param namespace            metadata.namespace, or null for the one kubectl or the client uses
     * @param claim                a PersistentVolumeClaim to mount for the sweep's folder, or null
     * @param mountPath            where to mount it
     * @param cpus                 CPU request and limit, or null
     * @param memory               memory request and limit (e.g. 16Gi), or null
     * @param gpuResource          the extended resource of a GPU (nvidia.com/gpu)
     * @param backoffLimitPerIndex retries of one index before it counts as failed
     */
    public record KubernetesOptions(String image, String namespace, String claim, String mountPath, String cpus,
                             String memory, String gpuResource, int backoffLimitPerIndex) {

        public KubernetesOptions {
            if (image == null || image.isBlank()) {
                throw new IllegalArgumentException("option '--image' is required: the container image that has "
                        + "samplex (e.g. ghcr.io/you/samplex:0.1.0)");
            }
            if (backoffLimitPerIndex < 0) {
                throw new IllegalArgumentException("option '--backoff-limit-per-index' must be at least 0, got "
                        + backoffLimitPerIndex);
            }
            if (namespace != null && !isDnsLabel(namespace)) {
                throw new IllegalArgumentException("option '--namespace' must be a DNS label (lower-case letters, "
                        + "digits and '-', at most 63), got '" + namespace + "'");
            }
            if (mountPath == null || !mountPath.startsWith("/")) {
                throw new IllegalArgumentException("option '--mount' must be an absolute path, got '" + mountPath
                        + "'");
            }
        }
    }

    private IndexedJobManifest() {
    }

    /** Whether a name is a DNS-1123 label: what Kubernetes takes for a Job's or a namespace's name. */
    public static boolean isDnsLabel(String s) {
        return s.length() <= 63 && s.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    }

    /** The manifest: a comment, the ConfigMap, "---", the Job. */
    public static String write(ShardJob job, KubernetesOptions o, String version) {
        String header = "# samplex sweep: " + job.runs() + " runs in " + job.totalShards() + " shards ("
                + job.perShard() + ") as a Kubernetes Indexed Job of " + job.shards() + " pods; written by samplex "
                + "sweep submit k8s (samplex " + version + ").\n"
                + "# Create: kubectl apply -f THIS-FILE (or samplex sweep submit k8s ... --apply).\n"
                + "# When done: samplex sweep merge " + job.out() + " (in a pod that mounts the sweep's folder).\n";
        return header + YamlText.write(configMap(job, o)) + "---\n" + YamlText.write(jobObject(job, o));
    }

    private static Map<String, Object> configMap(ShardJob job, KubernetesOptions o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("apiVersion", "v1");
        m.put("kind", "ConfigMap");
        m.put("metadata", metadata(job.name() + "-plan", job, o));
        m.put("data", Map.of("plan.json", job.planJson().strip() + "\n"));
        return m;
    }

    private static Map<String, Object> metadata(String name, ShardJob job, KubernetesOptions o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        if (o.namespace() != null) {
            m.put("namespace", o.namespace());
        }
        m.put("labels", labels(job));
        return m;
    }

    private static Map<String, Object> labels(ShardJob job) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("app.kubernetes.io/name", "samplex");
        m.put("samplex.org/sweep", job.name());
        return m;
    }

    private static Map<String, Object> jobObject(ShardJob job, KubernetesOptions o) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("completionMode", "Indexed");
        spec.put("completions", job.shards());
        spec.put("parallelism", job.concurrent() > 0 ? Math.min(job.concurrent(), job.shards()) : job.shards());
        spec.put("backoffLimitPerIndex", o.backoffLimitPerIndex());
        Map<String, Object> template = new LinkedHashMap<>();
        template.put("metadata", Map.of("labels", labels(job)));
        template.put("spec", podSpec(job, o));
        spec.put("template", template);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("apiVersion", "batch/v1");
        m.put("kind", "Job");
        m.put("metadata", metadata(job.name(), job, o));
        m.put("spec", spec);
        return m;
    }

    private static Map<String, Object> podSpec(ShardJob job, KubernetesOptions o) {
        Map<String, Object> container = new LinkedHashMap<>();
        container.put("name", "shard");
        container.put("image", o.image());
        container.put("command", command(job));
        Map<String, Object> resources = resources(job, o);
        if (!resources.isEmpty()) {
            container.put("resources", resources);
        }
        List<Object> mounts = new ArrayList<>();
        mounts.add(map("name", "plan", "mountPath", PLAN_DIR, "readOnly", true));
        List<Object> volumes = new ArrayList<>();
        volumes.add(map("name", "plan", "configMap", map("name", job.name() + "-plan")));
        if (o.claim() != null) {
            mounts.add(map("name", "sweep", "mountPath", o.mountPath()));
            volumes.add(map("name", "sweep", "persistentVolumeClaim", map("claimName", o.claim())));
        }
        container.put("volumeMounts", mounts);
        Map<String, Object> pod = new LinkedHashMap<>();
        pod.put("restartPolicy", "Never");
        pod.put("containers", List.of(container));
        pod.put("volumes", volumes);
        return pod;
    }

    /**
     * The container's command: samplex itself with one GPU or none; with G GPUs, a POSIX shell that starts one
     * samplex per GPU (the device plugin shows the pod its G GPUs as 0 to G-1) and fails when any of them fails.
     */
    private static List<Object> command(ShardJob job) {
        String plan = PLAN_DIR + "/plan.json";
        if (job.processes() == 1) {
            List<Object> c = new ArrayList<>();
            c.add(job.samplex());
            c.addAll(job.runArguments(plan, "auto/" + job.shards()));
            return c;
        }
        int g = job.gpusPerShard();
        List<String> args = job.runArguments(plan, "SHARD");
        StringBuilder line = new StringBuilder(ShardJob.quote(job.samplex()));
        for (String a : args) {
            line.append(' ').append(a.equals("SHARD") ? "$((JOB_COMPLETION_INDEX * " + g + " + k))/"
                    + job.totalShards() : ShardJob.quote(a));
        }
        String script = "pids=''; k=0; while [ \"$k\" -lt " + g + " ]; do CUDA_VISIBLE_DEVICES=$k " + line
                + " & pids=\"$pids $!\"; k=$((k + 1)); done; status=0; for p in $pids; do wait \"$p\" || status=1; "
                + "done; exit $status";
        return List.of("/bin/sh", "-c", script);
    }

    private static Map<String, Object> resources(ShardJob job, KubernetesOptions o) {
        Map<String, Object> limits = new LinkedHashMap<>();
        Map<String, Object> requests = new LinkedHashMap<>();
        if (o.cpus() != null) {
            limits.put("cpu", o.cpus());
            requests.put("cpu", o.cpus());
        }
        if (o.memory() != null) {
            limits.put("memory", o.memory());
            requests.put("memory", o.memory());
        }
        if (job.gpusPerShard() > 0) {
            limits.put(o.gpuResource(), String.valueOf(job.gpusPerShard()));
        }
        Map<String, Object> r = new LinkedHashMap<>();
        if (!limits.isEmpty()) {
            r.put("limits", limits);
        }
        if (!requests.isEmpty()) {
            r.put("requests", requests);
        }
        return r;
    }

    private static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }
}

package org.samplex.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samplex.api.Services;
import org.samplex.cli.Samplex;
import org.samplex.experiment.Json;

/**
 * The Indexed Job that {@code samplex sweep submit k8s} writes, created in fabric8's mock API server (CRUD mode,
 * loopback only) and read back as Kubernetes objects: completions, parallelism, per-index retries, GPU limits,
 * image and command, the plan's ConfigMap. Then the same through the real CLI in a child JVM on the module path,
 * which loads this module from target/lib into a layer of its own ({@code --apply}).
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesClusterClientTest {

    static KubernetesMockServer server;
    static KubernetesClient client;

    @TempDir
    Path dir;

    /** The CLI's arguments for a 4-shard sweep of 8 mlp runs on one GPU per pod. */
    private List<String> submit(String name, String... extra) {
        List<String> args = new ArrayList<>(List.of("sweep", "submit", "k8s", "--learners", "mlp", "--N", "2,3",
                "--seeds", "4", "--thresholds", "0.5", "--test-size", "100", "--backend", "cuda", "--out",
                "/data/runs/e2e", "--shards", "4", "--concurrent", "2", "--gpus-per-shard", "1", "--image",
                "ghcr.io/example/samplex:0.1.0", "--pvc", "sweeps", "--memory", "8Gi", "--name", name,
                "--namespace", "test"));
        args.addAll(List.of(extra));
        return args;
    }

    /**
     * Runs the CLI in this JVM. Through reflection: this module does not read picocli (the tests are compiled as
     * part of it), and only the command line's setOut, setErr and execute are needed.
     */
    private static String run(List<String> args) throws ReflectiveOperationException {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Object cl = Samplex.class.getMethod("commandLine", Services.class).invoke(null, Services.discover());
        cl.getClass().getMethod("setOut", PrintWriter.class).invoke(cl, new PrintWriter(out, true));
        cl.getClass().getMethod("setErr", PrintWriter.class).invoke(cl, new PrintWriter(err, true));
        int code = (int) cl.getClass().getMethod("execute", String[].class)
                .invoke(cl, (Object) args.toArray(String[]::new));
        assertEquals(0, code, err.toString());
        return out.toString();
    }

    /** The Job and its ConfigMap as the mock server holds them, checked field by field. */
    private static void assertIndexedJob(String name) {
        Job job = client.batch().v1().jobs().inNamespace("test").withName(name).get();
        assertNotNull(job, "job " + name);
        JobSpec spec = job.getSpec();
        assertEquals("Indexed", spec.getCompletionMode());
        assertEquals(4, spec.getCompletions());
        assertEquals(2, spec.getParallelism());
        assertEquals(3, spec.getBackoffLimitPerIndex());
        assertEquals("Never", spec.getTemplate().getSpec().getRestartPolicy(), "per-index retries need Never");
        Container c = spec.getTemplate().getSpec().getContainers().getFirst();
        assertEquals("ghcr.io/example/samplex:0.1.0", c.getImage());
        assertEquals(List.of("samplex", "sweep", "run", "--plan", "/etc/samplex/plan.json", "--out", "/data/runs/e2e",
                "--shard", "auto/4", "--workers", "1"), c.getCommand());
        Map<String, Quantity> limits = c.getResources().getLimits();
        assertEquals(new Quantity("1"), limits.get("nvidia.com/gpu"));
        assertEquals(new Quantity("8Gi"), limits.get("memory"));
        assertEquals("sweeps", spec.getTemplate().getSpec().getVolumes().get(1).getPersistentVolumeClaim()
                .getClaimName());
        ConfigMap plan = client.configMaps().inNamespace("test").withName(name + "-plan").get();
        assertNotNull(plan, "the plan's ConfigMap");
        Map<?, ?> parsed = (Map<?, ?>) Json.parse(plan.getData().get("plan.json"));
        assertTrue(parsed.get("grids") instanceof List<?> g && g.size() == 1, plan.getData().toString());
    }

    @Test
    void theManifestIsAnIndexedJobTheApiServerTakes() throws Exception {
        Path manifest = dir.resolve("job.yaml");
        String said = run(submit("samplex-sweep", "-o", manifest.toString()));
        assertTrue(said.contains("8 runs in 4 shards (2 runs each)"), said);
        KubernetesClusterClient k8s = new KubernetesClusterClient(server::createClient);
        List<String> created = k8s.create(Files.readString(manifest), "test");
        assertEquals(List.of("configmap/samplex-sweep-plan created in namespace test",
                "job/samplex-sweep created in namespace test"), created);
        assertIndexedJob("samplex-sweep");
        IllegalArgumentException again = assertThrows(IllegalArgumentException.class,
                () -> k8s.create(Files.readString(manifest), "test"));
        assertTrue(again.getMessage().contains("already has") && again.getMessage().contains("--name"),
                again.getMessage());
    }

    /** The real CLI on the module path, loading this module and fabric8 from target/lib for --apply. */
    @Test
    void theCliAppliesTheJobThroughAModuleLayer() throws Exception {
        Path cliTarget = Path.of(System.getProperty("samplex.cli.target", "../cli/target"));
        Path lib = Path.of(System.getProperty("samplex.kubernetes.lib", "target/lib"));
        File[] jars = cliTarget.toFile().listFiles((d, n) -> n.startsWith("samplex-cli-") && n.endsWith(".jar")
                && !n.endsWith("-tests.jar") && !n.endsWith("-sources.jar"));
        assumeTrue(jars != null && jars.length == 1 && Files.isDirectory(cliTarget.resolve("modules")),
                "no packaged CLI in " + cliTarget + " (build the cli module first)");
        assumeTrue(Files.isDirectory(lib.resolve("org.samplex.kubernetes")), "no client folder " + lib);
        Path kubeconfig = dir.resolve("kubeconfig");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: mock
                  cluster: {server: "%s", insecure-skip-tls-verify: true}
                contexts:
                - name: mock
                  context: {cluster: mock, user: mock, namespace: test}
                current-context: mock
                users:
                - name: mock
                  user: {token: not-a-secret}
                """.formatted(server.url("/").replaceAll("/$", "")));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "ALL-MODULE-PATH", "-p", jars[0] + File.pathSeparator + cliTarget.resolve("modules"),
                "-m", "org.samplex.cli/org.samplex.cli.Samplex"));
        cmd.addAll(submit("samplex-e2e", "-o", dir.resolve("e2e.yaml").toString(), "--apply", "--client-lib",
                lib.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("KUBECONFIG", kubeconfig.toString());
        pb.environment().remove("KUBERNETES_SERVICE_HOST");
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), output);
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("job/samplex-e2e created in namespace test"), output);
        assertIndexedJob("samplex-e2e");
        System.out.println("samplex sweep submit k8s --apply (child JVM, client from " + lib + "):\n" + output);
    }
}

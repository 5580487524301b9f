package org.samplex.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samplex.sweep.submit.ShardJob;

/**
 * {@code samplex sweep submit}: the sbatch script passes {@code bash -n} and, run here once per array index with
 * SLURM_ARRAY_TASK_ID set, completes the sweep; the Kubernetes manifest has the Indexed Job's fields (the mock API
 * server checks it in the kubernetes module); bad options are refused in one line.
 */
class SweepSubmitCommandTest {

    @TempDir
    Path dir;

    @BeforeEach
    void needsMlpAndQstr() {
        assumeTrue(CliRunner.SERVICES.learners().stream().anyMatch(f -> f.name().equals("mlp")), "no mlp");
        assumeTrue(CliRunner.SERVICES.tasks().stream().anyMatch(f -> f.name().equals("qstr")), "no qstr");
    }

    /** submit's arguments for the scale-out test's 24-run plan. */
    private List<String> submit(String kind, String... extra) {
        List<String> args = new ArrayList<>(List.of("sweep", "submit", kind));
        args.addAll(SweepScaleOutTest.SWEEP.subList(2, SweepScaleOutTest.SWEEP.size()));
        args.addAll(List.of("--out", dir.resolve("sweep").toString()));
        args.addAll(List.of(extra));
        return args;
    }

    private static CliRunner.Run run(List<String> args) {
        return CliRunner.run(args.toArray(String[]::new));
    }

    @Test
    void theSbatchScriptPassesBashNAndRunLocallyPerIndexCompletesTheSweep() throws Exception {
        assumeTrue(System.getProperty("jdk.module.path") != null, "the tests do not run on the module path");
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "no bash");
        // What the nodes would call samplex: this test's java and module path.
        Path launcher = dir.resolve("samplex-here");
        StringBuilder sh = new StringBuilder("#!/bin/sh\nexec");
        ChildCli.command().forEach(w -> sh.append(' ').append(ShardJob.quote(w)));
        Files.writeString(launcher, sh + " \"$@\"\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path script = dir.resolve("sweep.sbatch");
        CliRunner.Run r = run(submit("slurm", "--shards", "3", "--concurrent", "2", "--samplex", launcher.toString(),
                "--time", "01:00:00", "-o", script.toString()));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("24 runs in 3 shards (8 runs each)") && r.out().contains("sbatch " + script),
                r.out());
        String text = Files.readString(script);
        assertTrue(text.startsWith("#!/bin/bash\n#SBATCH --job-name=samplex-sweep\n#SBATCH --array=0-2%2\n"), text);
        assertTrue(text.contains("#SBATCH --time=01:00:00") && !text.contains("--gres"), text);
        assertTrue(text.contains("sweep run --plan \"$plan\" --out " + dir.resolve("sweep") + " --shard auto/3"),
                text);

        Process check = new ProcessBuilder("bash", "-n", script.toString()).redirectErrorStream(true).start();
        String checked = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, check.waitFor(), "bash -n: " + checked);

        List<Process> tasks = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ProcessBuilder pb = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("task-" + i + ".log").toFile());
            pb.environment().put("SLURM_ARRAY_TASK_ID", String.valueOf(i));
            pb.environment().remove("JOB_COMPLETION_INDEX");
            tasks.add(pb.start());
        }
        for (int i = 0; i < 3; i++) {
            Process p = tasks.get(i);
            String log = dir.resolve("task-" + i + ".log").toString();
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("task " + i + " did not finish: " + Files.readString(Path.of(log)));
            }
            assertEquals(0, p.exitValue(), "task " + i + ": " + Files.readString(Path.of(log)));
            assertTrue(Files.readString(Path.of(log)).contains("shard " + i + "/3 (8 of the plan's 24 runs)"),
                    Files.readString(Path.of(log)));
        }
        CliRunner.Run merge = CliRunner.run("sweep", "merge", dir.resolve("sweep").toString());
        assertEquals(0, merge.code(), merge.err());
        assertTrue(merge.out().contains("results: 24 rows, 24 distinct run keys (24 censored)")
                && merge.out().contains("planned: 24, missing: 0, failed: 0"), merge.out());
    }

    @Test
    void gpusGiveGresAndOneProcessPerGpuInTheScript() throws Exception {
        Path script = dir.resolve("gpu.sbatch");
        CliRunner.Run r = run(submit("slurm", "--shards", "4", "--gpus-per-shard", "2", "--runs-per-gpu", "3",
                "-o", script.toString()));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("24 runs in 8 shards (3 runs each), a job array of 4 tasks"), r.out());
        String text = Files.readString(script);
        assertTrue(text.contains("#SBATCH --gres=gpu:2\n") && text.contains("#SBATCH --array=0-3\n"), text);
        assertTrue(text.contains("CUDA_VISIBLE_DEVICES=\"${gpus[$k]}\"")
                && text.contains("--shard \"$(( SLURM_ARRAY_TASK_ID * 2 + k ))/8\" --workers 3 --threads 1 &"), text);
        Process check = new ProcessBuilder("bash", "-n", script.toString()).redirectErrorStream(true).start();
        assertEquals(0, check.waitFor(), new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void aPluginFolderAskedForIsPassedToEveryTask() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        List<String> args = new ArrayList<>(List.of("--plugins", plugins.toString()));
        args.addAll(submit("slurm", "--shards", "2", "-o", "-"));
        CliRunner.Run r = run(args);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"$samplex\" --plugins " + plugins.toAbsolutePath() + " sweep run --plan"),
                r.out());
        CliRunner.Run own = run(submit("slurm", "--shards", "2", "-o", "-"));
        assertEquals(0, own.code(), own.err());
        assertTrue(own.out().contains("\"$samplex\" sweep run --plan"), "the default folder is the nodes' own:\n"
                + own.out());
    }

    @Test
    void theManifestIsAnIndexedJobWithPerIndexRetriesAndGpuLimits() {
        CliRunner.Run r = run(submit("k8s", "--shards", "3", "--concurrent", "2", "--gpus-per-shard", "1",
                "--image", "ghcr.io/example/samplex:0.1.0", "--pvc", "sweeps", "--mount", "/data",
                "--namespace", "research", "-o", "-"));
        assertEquals(0, r.code(), r.err());
        String y = r.out();
        for (String line : List.of("kind: ConfigMap", "  plan.json: |", "kind: Job", "  completionMode: Indexed",
                "  completions: 3", "  parallelism: 2", "  backoffLimitPerIndex: 3", "      restartPolicy: Never",
                "          image: ghcr.io/example/samplex:0.1.0", "            - auto/3",
                "              nvidia.com/gpu: \"1\"", "            claimName: sweeps", "  namespace: research")) {
            assertTrue(y.contains(line + "\n"), "no line '" + line + "' in:\n" + y);
        }
        CliRunner.Run packed = run(submit("k8s", "--shards", "2", "--gpus-per-shard", "2", "--image", "img", "-o",
                "-"));
        assertEquals(0, packed.code(), packed.err());
        assertTrue(packed.out().contains("- /bin/sh") && packed.out().contains(
                "CUDA_VISIBLE_DEVICES=$k samplex sweep run --plan /etc/samplex/plan.json"), packed.out());
        assertTrue(packed.out().contains("--shard $((JOB_COMPLETION_INDEX * 2 + k))/4"), packed.out());
    }

    @Test
    void applyWithoutTheKubernetesClientSaysWhereItLooked() throws Exception {
        Path empty = Files.createDirectory(dir.resolve("no-client"));
        CliRunner.Run r = run(submit("k8s", "--shards", "2", "--image", "img", "-o",
                dir.resolve("job.yaml").toString(), "--apply", "--client-lib", empty.toString()));
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("'--apply' needs the Kubernetes client") && r.err().contains(empty.toString()),
                r.err());
        assertTrue(Files.exists(dir.resolve("job.yaml")), "the manifest is written before it is applied");
    }

    @Test
    void badSubmitOptionsAreRefusedInOneLine() {
        assertUsage(run(submit("slurm", "--shards", "0")), "'--shards' must be at least 1");
        assertUsage(run(submit("slurm", "--shards", "25")), "some shards would have nothing to do");
        assertUsage(run(submit("slurm", "--shards", "2", "--runs-per-gpu", "0", "--gpus-per-shard", "1")),
                "'--runs-per-gpu' must be at least 1");
        assertUsage(run(submit("slurm", "--shards", "2", "--sbatch-option", "qos=long")), "--sbatch-option");
        assertUsage(run(submit("k8s", "--shards", "2", "--image", "img", "--name", "Bad_Name")),
                "'--name' must be a DNS label");
        assertUsage(run(submit("k8s", "--shards", "2", "--image", "img", "--shard-order", "size")),
                "'--shard-order' takes key or cost");
        CliRunner.Run alone = CliRunner.run("sweep", "submit");
        assertEquals(2, alone.code());
        assertTrue(alone.err().contains("commands: slurm, k8s"), alone.err());
    }

    static void assertUsage(CliRunner.Run r, String expected) {
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains(expected), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        assertEquals(1, r.err().strip().lines().filter(l -> l.startsWith("samplex:")).count(), r.err());
    }
}

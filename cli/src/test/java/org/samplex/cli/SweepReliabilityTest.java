package org.samplex.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samplex.experiment.Json;
import org.samplex.sweep.ResultStore;
import org.samplex.sweep.SweepFolder;

/**
 * The results store under the faults a real sweep meets, with the sweep in child JVMs (the same java and module
 * path as this test, main class org.samplex.cli.Samplex): killed with SIGKILL mid-run and run again, and two
 * processes on one folder at once. Either way the store ends with exactly one row per planned run.
 */
class SweepReliabilityTest {

    /** Runs that take a fraction of a second each: mlp [N*d, 8], 100 test prompts, 31 steps checked each step. */
    private static final List<String> SWEEP = List.of("sweep", "run", "--learners", "mlp", "--N", "2,3", "--seeds",
            "8", "--learner-option", "width2=8", "--test-size", "100", "--cap", "2000", "--check-every", "1",
            "--thresholds", "0.001", "--backend", "cpu", "--threads", "1");
    private static final int PLANNED = 16;
    private static final long CHILD_TIMEOUT_SECONDS = 120;

    @TempDir
    Path dir;

    @BeforeEach
    void needsTheModulePathAndMlp() {
        assumeTrue(System.getProperty("jdk.module.path") != null, "the tests do not run on the module path");
        assumeTrue(CliRunner.SERVICES.learners().stream().anyMatch(f -> f.name().equals("mlp")), "no mlp");
        assumeTrue(CliRunner.SERVICES.tasks().stream().anyMatch(f -> f.name().equals("qstr")), "no qstr");
    }

    /** Starts {@code samplex sweep run ... --out dir} in a child JVM, its output in {@code dir/<name>.log}. */
    private Process start(String name) throws IOException {
        List<String> cmd = ChildCli.command();
        cmd.addAll(SWEEP);
        cmd.addAll(List.of("--out", dir.resolve("sweep").toString()));
        return ChildCli.start(dir, name, cmd);
    }

    private String log(String name) throws IOException {
        return ChildCli.log(dir, name);
    }

    private void awaitSuccess(Process p, String name) throws Exception {
        ChildCli.awaitSuccess(p, dir, name, CHILD_TIMEOUT_SECONDS);
    }

    private List<ResultStore.StoredRun> rows() {
        try (ResultStore store = ResultStore.open(dir.resolve("sweep"))) {
            return store.all();
        }
    }

    /** The store holds exactly the planned runs, once each, none failed. */
    private void assertOneRowPerPlannedRun() throws IOException {
        Map<?, ?> plan = (Map<?, ?>) Json.parse(Files.readString(dir.resolve("sweep").resolve(SweepFolder.PLAN_FILE)));
        List<?> planned = (List<?>) plan.get("runs");
        assertEquals(PLANNED, planned.size());
        List<ResultStore.StoredRun> rows = rows();
        Set<String> keys = new HashSet<>();
        rows.forEach(r -> keys.add(r.runKey()));
        assertEquals(rows.size(), keys.size(), "no key twice");
        assertEquals(new HashSet<>(planned), keys, "every planned run, and only those");
        rows.forEach(r -> assertEquals("censored", r.status(), r.runKey() + ": " + r.error()));
    }

    @Test
    void aSweepKilledMidRunResumesToExactlyOneRowPerRun() throws Exception {
        Process first = start("killed");
        int atKill = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CHILD_TIMEOUT_SECONDS);
        while (first.isAlive() && System.nanoTime() < deadline) {
            if (Files.exists(dir.resolve("sweep").resolve(ResultStore.FILE_NAME))) {
                atKill = rows().size();
                if (atKill >= 3) {
                    break;
                }
            }
            Thread.sleep(20);
        }
        assertTrue(first.isAlive(), "the sweep ended before it could be killed:\n" + log("killed"));
        first.destroyForcibly();
        first.waitFor();
        int afterKill = rows().size();
        assertTrue(afterKill < PLANNED, "killed mid-sweep: " + afterKill + " of " + PLANNED);

        Process second = start("resumed");
        awaitSuccess(second, "resumed");
        String summary = log("resumed");
        Matcher m = Pattern.compile("(\\d+) were in the store, (\\d+) ran here").matcher(summary);
        assertTrue(m.find(), summary);
        assertEquals(afterKill, Integer.parseInt(m.group(1)), "the resume skips exactly what the store had");
        assertEquals(PLANNED - afterKill, Integer.parseInt(m.group(2)));
        assertOneRowPerPlannedRun();
        System.out.println("kill-and-resume: SIGKILL with " + afterKill + " of " + PLANNED + " rows stored; the "
                + "resume skipped " + m.group(1) + " and ran " + m.group(2) + "; store: " + rows().size()
                + " rows, " + PLANNED + " planned, none missing, none twice");
    }

    @Test
    void twoProcessesOnOneFolderStoreEachRunOnce() throws Exception {
        Process a = start("a");
        Process b = start("b");
        awaitSuccess(a, "a");
        awaitSuccess(b, "b");
        assertOneRowPerPlannedRun();
        int ranA = ranHere(log("a"));
        int ranB = ranHere(log("b"));
        assertEquals(PLANNED, ranA + ranB, "claims split the runs between the processes:\n" + log("a") + log("b"));
        System.out.println("two processes at once: A ran " + ranA + ", B ran " + ranB + "; store: " + rows().size()
                + " rows, " + PLANNED + " planned, none missing, none twice");
    }

    private static int ranHere(String log) {
        Matcher m = Pattern.compile("(\\d+) ran here").matcher(log);
        assertTrue(m.find(), log);
        String n = m.group(1);
        assertNotNull(n);
        return Integer.parseInt(n);
    }
}

package org.samplex.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.samplex.sweep.Shard;
import org.samplex.sweep.SweepFolder;

/**
 * Shards of one sweep in separate JVMs (the same java and module path as this test), as a scheduler runs them: one
 * shard killed with SIGKILL mid-run and run again (a retry), one shard run twice at once (a duplicate pod), then
 * {@code samplex sweep merge}: exactly one row per planned run, none missing; {@code samplex report} reads it.
 */
class SweepScaleOutTest {

    /** Runs of a fraction of a second each: mlp [N*d, 8], 100 test prompts, a threshold never reached. */
    static final List<String> SWEEP = List.of("sweep", "run", "--learners", "mlp", "--N", "2,3", "--seeds", "12",
            "--learner-option", "width2=8", "--test-size", "100", "--cap", "2000", "--check-every", "1",
            "--thresholds", "0.001", "--backend", "cpu", "--threads", "1");
    static final int PLANNED = 24;
    private static final long CHILD_TIMEOUT_SECONDS = 180;

    @TempDir
    Path dir;

    @BeforeEach
    void needsTheModulePathAndMlp() {
        assumeTrue(System.getProperty("jdk.module.path") != null, "the tests do not run on the module path");
        assumeTrue(CliRunner.SERVICES.learners().stream().anyMatch(f -> f.name().equals("mlp")), "no mlp");
        assumeTrue(CliRunner.SERVICES.tasks().stream().anyMatch(f -> f.name().equals("qstr")), "no qstr");
    }

    private Process start(String name, String shard, List<String> extra) throws IOException {
        List<String> cmd = ChildCli.command();
        cmd.addAll(SWEEP);
        cmd.addAll(List.of("--out", dir.resolve("sweep").toString(), "--shard", shard));
        cmd.addAll(extra);
        return ChildCli.start(dir, name, cmd);
    }

    private String log(String name) throws IOException {
        return ChildCli.log(dir, name);
    }

    private void awaitSuccess(Process p, String name) throws Exception {
        ChildCli.awaitSuccess(p, dir, name, CHILD_TIMEOUT_SECONDS);
    }

    private int rowsOf(Shard shard) {
        Path file = dir.resolve("sweep").resolve(shard.fileName());
        if (!Files.exists(file)) {
            return 0;
        }
        try (ResultStore store = ResultStore.openShard(dir.resolve("sweep"), shard)) {
            return store.all().size();
        }
    }

    private static int number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), "no '" + regex + "' in:\n" + text);
        return Integer.parseInt(m.group(1));
    }

    @Test
    void shardsKilledAndDuplicatedMergeToOneRowPerPlannedRun() throws Exception {
        Shard killedShard = new Shard(0, 3);
        Process killed = start("shard0-killed", "0/3", List.of());
        Process one = start("shard1", "1/3", List.of());
        Process two = start("shard2", "2/3", List.of());
        Process twin = start("shard2-duplicate", "2/3", List.of());

        int atKill = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CHILD_TIMEOUT_SECONDS);
        while (killed.isAlive() && System.nanoTime() < deadline && (atKill = rowsOf(killedShard)) < 2) {
            Thread.sleep(20);
        }
        assertTrue(killed.isAlive(), "shard 0 ended before it could be killed:\n" + log("shard0-killed"));
        killed.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, claims and maybe a transaction left behind
        killed.waitFor();
        int afterKill = rowsOf(killedShard);
        assertTrue(afterKill < PLANNED / 3, "killed mid-shard: " + afterKill + " of " + PLANNED / 3);

        Process retry = start("shard0-retry", "0/3", List.of());
        awaitSuccess(retry, "shard0-retry");
        awaitSuccess(one, "shard1");
        awaitSuccess(two, "shard2");
        awaitSuccess(twin, "shard2-duplicate");
        assertEquals(afterKill, number(log("shard0-retry"), "(\\d+) were in the store"),
                "the retry skips exactly what the killed shard had stored");
        int ranTwo = number(log("shard2"), "(\\d+) ran here");
        int ranTwin = number(log("shard2-duplicate"), "(\\d+) ran here");
        assertEquals(PLANNED / 3, ranTwo + ranTwin, "the duplicate pods split shard 2 by its claims");

        CliRunner.Run merge = CliRunner.run("sweep", "merge", dir.resolve("sweep").toString());
        assertEquals(0, merge.code(), merge.err());
        int rows = number(merge.out(), "results: (\\d+) rows");
        int distinct = number(merge.out(), "(\\d+) distinct run keys");
        int missing = number(merge.out(), "missing: (\\d+)");
        int failed = number(merge.out(), "failed: (\\d+)");
        assertEquals(PLANNED, rows, merge.out());
        assertEquals(PLANNED, distinct, merge.out());
        assertEquals(0, missing, merge.out());
        assertEquals(0, failed, merge.out());
        assertOneRowPerPlannedRun();

        CliRunner.Run report = CliRunner.run("report", dir.resolve("sweep").toString());
        assertEquals(0, report.code(), report.err());
        assertTrue(report.out().contains("report of " + PLANNED + " runs (0 failed)"), report.out());

        System.out.println("three shards, one killed (SIGKILL with " + atKill + "-" + afterKill + " of "
                + PLANNED / 3 + " rows) and retried (skipped " + afterKill + "), one run twice at once (" + ranTwo
                + " + " + ranTwin + " runs); merge: " + rows + " rows, " + distinct + " distinct keys, " + PLANNED
                + " planned, missing " + missing + ", failed " + failed + "\n" + merge.out());
    }

    /** results.sqlite holds exactly the runs of plan.json, once each, none failed. */
    private void assertOneRowPerPlannedRun() throws IOException {
        Path sweep = dir.resolve("sweep");
        Map<?, ?> plan = (Map<?, ?>) Json.parse(Files.readString(sweep.resolve(SweepFolder.PLAN_FILE)));
        List<?> planned = (List<?>) plan.get("runs");
        assertEquals(PLANNED, planned.size());
        List<ResultStore.StoredRun> rows;
        try (ResultStore store = ResultStore.open(sweep)) {
            rows = store.all();
        }
        Set<String> keys = new HashSet<>();
        rows.forEach(r -> keys.add(r.runKey()));
        assertEquals(rows.size(), keys.size(), "no key twice");
        assertEquals(new HashSet<>(planned), keys, "every planned run, and only those");
        rows.forEach(r -> assertEquals("censored", r.status(), r.runKey() + ": " + r.error()));
    }
}

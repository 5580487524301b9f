package org.samplex.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samplex.sweep.ResultStore;

/** {@code sweep run --shard}, {@code sweep merge} and {@code sweep missing} in-process, on tiny mlp runs. */
class SweepShardCommandTest {

    @TempDir
    Path dir;

    @BeforeEach
    void needsMlpAndQstr() {
        assumeTrue(CliRunner.SERVICES.learners().stream().anyMatch(f -> f.name().equals("mlp")), "no mlp");
        assumeTrue(CliRunner.SERVICES.tasks().stream().anyMatch(f -> f.name().equals("qstr")), "no qstr");
    }

    /** A 6-run sweep (N 2 and 3, 3 seeds) into {@code dir}, with extra flags. */
    private CliRunner.Run sweep(String... extra) {
        List<String> args = new ArrayList<>(List.of("sweep", "run", "--learners", "mlp", "--N", "2,3", "--seeds", "3",
                "--learner-option", "width2=8", "--test-size", "100", "--cap", "640", "--check-every", "1",
                "--thresholds", "0.5", "--backend", "cpu", "--threads", "1", "--out", dir.toString()));
        args.addAll(List.of(extra));
        return CliRunner.run(args.toArray(String[]::new));
    }

    @Test
    void shardsThenMissingThenMergeCompleteTheSweep() throws Exception {
        CliRunner.Run dry = sweep("--shard", "1/3", "--dry-run");
        assertEquals(0, dry.code(), dry.err());
        assertTrue(dry.out().contains("Shard 1/3 (by key): 2 of the plan's 6 runs."), dry.out());

        CliRunner.Run first = sweep("--shard", "0/3");
        assertEquals(0, first.code(), first.err());
        assertTrue(first.out().contains("shard 0/3 (2 of the plan's 6 runs): 2 runs; 0 were in the store, 2 ran here")
                && first.out().contains("shard-0-of-3.sqlite") && first.out().contains("samplex sweep merge"),
                first.out());
        assertEquals(0, sweep("--shard", "2/3", "--shard-order", "key").code());
        assertTrue(Files.exists(dir.resolve("shard-2-of-3.sqlite")));
        assertTrue(!Files.exists(dir.resolve(ResultStore.FILE_NAME)), "shards never write results.sqlite");

        CliRunner.Run merged = CliRunner.run("sweep", "merge", dir.toString());
        assertEquals(0, merged.code(), merged.err());
        assertTrue(merged.out().contains("results: 4 rows, 4 distinct run keys")
                && merged.out().contains("planned: 6, missing: 2, failed: 0")
                && merged.out().contains("samplex sweep missing " + dir), merged.out());

        CliRunner.Run missing = CliRunner.run("sweep", "missing", dir.toString());
        assertEquals(0, missing.code(), missing.err());
        Path plan = dir.resolve("missing.json");
        assertTrue(missing.out().contains("2 planned runs of " + dir + " have no result; their plan: " + plan),
                missing.out());
        CliRunner.Run rest = CliRunner.run("sweep", "run", "--plan", plan.toString(), "--out", dir.toString(),
                "--threads", "1");
        assertEquals(0, rest.code(), rest.err());
        assertTrue(rest.out().contains("2 runs; 0 were in the store, 2 ran here"), rest.out());
        CliRunner.Run complete = CliRunner.run("sweep", "merge", dir.toString());
        assertTrue(complete.out().contains("results: 6 rows, 6 distinct run keys")
                && complete.out().contains("planned: 6, missing: 0, failed: 0"), complete.out());
        CliRunner.Run none = CliRunner.run("sweep", "missing", dir.toString());
        assertTrue(none.out().contains("every planned run of " + dir + " has a result"), none.out());
    }

    @Test
    void badShardsAndFoldersAreRefusedInOneLine() throws Exception {
        SweepSubmitCommandTest.assertUsage(sweep("--shard", "3/2"), "'--shard' got '3/2'");
        SweepSubmitCommandTest.assertUsage(sweep("--shard", "x"), "option '--shard' takes I/N");
        SweepSubmitCommandTest.assertUsage(sweep("--shard", "0/2", "--shard-order", "size"),
                "'--shard-order' takes key or cost");
        SweepSubmitCommandTest.assertUsage(sweep("--sink", "jdbc:mysql://db/x"),
                "'--sink' takes a PostgreSQL JDBC URL");
        if (System.getenv("SLURM_ARRAY_TASK_ID") == null && System.getenv("JOB_COMPLETION_INDEX") == null) {
            SweepSubmitCommandTest.assertUsage(sweep("--shard", "auto/4"), "SLURM_ARRAY_TASK_ID");
        }
        assertTrue(!Files.exists(dir.resolve("plan.json")), "a refused shard runs nothing");
        SweepSubmitCommandTest.assertUsage(CliRunner.run("sweep", "merge", dir.toString()), "no shard files in " + dir);
        SweepSubmitCommandTest.assertUsage(CliRunner.run("sweep", "merge", dir.resolve("nope").toString()),
                "no sweep folder");
        SweepSubmitCommandTest.assertUsage(CliRunner.run("sweep", "missing", dir.toString()), "plan.json is missing");
    }
}

package org.samplex.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samplex.experiment.Json;
import org.samplex.experiment.ProgressListener;
import org.samplex.experiment.RunSpec;

/** Shards run into their own files, merged into results.sqlite; missing runs found and run again. */
class SweepMergeTest {

    private static final RunService TRAINER = TinyProviders.trainer();

    @TempDir
    Path dir;

    /** 12 quick runs: N 2, 3, 4 and 4 seeds. */
    private static final Plan PLAN = Plan.parse("""
            task: tiny
            learners: [linear]
            N: [2, 3, 4]
            seeds: 4
            thresholds: 0.05
            lr: 0.05
            cap: 3200
            test-size: 50
            """, "merge plan");

    private static final List<PlannedRun> RUNS = PLAN.expand(TRAINER);

    private SweepRunner.Outcome runShard(Plan plan, List<PlannedRun> runs, int index, int count) {
        return Sweep.run(dir, plan, runs, new Sweep.Scope(new Shard(index, count), Shard.Order.KEY, null), null,
                false, TRAINER, 1, 1, SweepListener.NONE);
    }

    private static Set<String> keys(List<PlannedRun> runs) {
        Set<String> out = new HashSet<>();
        runs.forEach(r -> out.add(r.key()));
        return out;
    }

    @Test
    void threeShardsOneRunTwiceMergeToOneRowPerRun() throws Exception {
        for (int i = 0; i < 3; i++) {
            SweepRunner.Outcome o = runShard(PLAN, RUNS, i, 3);
            assertEquals(4, o.planned(), "12 runs in 3 shards");
        }
        SweepRunner.Outcome again = runShard(PLAN, RUNS, 1, 3);
        assertEquals(4, again.skipped(), "a shard run again finds its runs in its file");
        assertEquals(List.of("shard-0-of-3.sqlite", "shard-1-of-3.sqlite", "shard-2-of-3.sqlite"),
                SweepMerge.shardFiles(dir).stream().map(p -> p.getFileName().toString()).toList());
        assertEquals("delete", journalMode(dir.resolve("shard-0-of-3.sqlite")), "no WAL in shard files");

        SweepMerge.Report r = SweepMerge.merge(dir, null);
        assertEquals(keys(RUNS), r.planned());
        assertEquals(12, r.rows());
        assertEquals(12, r.distinct());
        assertEquals(List.of(), r.missing());
        assertEquals(List.of(), r.failed());
        assertEquals(Map.of("completed", 12), r.statuses());
        assertEquals(List.of(4, 4, 4), r.sources().stream().map(SweepMerge.Source::written).toList());
        try (ResultStore merged = ResultStore.open(dir)) {
            assertEquals(keys(RUNS), merged.finishedKeys());
        }
        SweepMerge.Report twice = SweepMerge.merge(dir, null);
        assertEquals(List.of(0, 0, 0), twice.sources().stream().map(SweepMerge.Source::written).toList(),
                "merging again writes nothing");
        assertEquals(12, twice.rows());
    }

    @Test
    void missingRunsAreReportedWrittenAsAPlanAndRunInTheSameFolder() throws Exception {
        runShard(PLAN, RUNS, 0, 3);
        runShard(PLAN, RUNS, 2, 3);
        List<PlannedRun> lost = new Shard(1, 3).select(RUNS, Shard.Order.KEY, r -> 0);
        SweepMerge.Report r = SweepMerge.merge(dir, null);
        assertEquals(8, r.rows());
        assertEquals(keys(lost), new HashSet<>(r.missing()));
        assertEquals(4, r.toDo());
        assertEquals(keys(lost), new HashSet<>(SweepMerge.toDo(dir, null)));

        Path file = dir.resolve(SweepMerge.MISSING_FILE);
        SweepMerge.missingPlan(dir, SweepMerge.toDo(dir, null), file);
        Plan missing = Plan.of(file, Map.of());
        assertEquals(keys(lost), missing.onlyRuns());
        List<PlannedRun> again = missing.expand(TRAINER);
        assertEquals(keys(lost), keys(again), "the missing plan makes exactly the missing runs");
        String savedBefore = Files.readString(dir.resolve(SweepFolder.PLAN_FILE));
        // Run in the sweep's own folder, in 2 shards of its own: accepted without --extend, plan.json untouched.
        runShard(missing, again, 0, 2);
        runShard(missing, again, 1, 2);
        assertEquals(savedBefore, Files.readString(dir.resolve(SweepFolder.PLAN_FILE)));
        SweepMerge.Report complete = SweepMerge.merge(dir, null);
        assertEquals(12, complete.rows());
        assertEquals(List.of(), complete.missing());
        assertEquals(List.of(), SweepMerge.toDo(dir, null));
    }

    @Test
    void aResultInOneShardBeatsAFailureOfTheSameRunInAnother() {
        PlannedRun run = RUNS.getFirst();
        RunSpec spec = run.spec();
        try (ResultStore a = ResultStore.openShard(dir, new Shard(0, 2))) {
            a.insertFailure(run.key(), spec, "the node went away");
        }
        try (ResultStore b = ResultStore.openShard(dir, new Shard(1, 2))) {
            b.insertIfAbsent(run.key(), spec, TRAINER.run(spec, ProgressListener.NONE));
        }
        SweepMerge.merge(dir, null);
        try (ResultStore merged = ResultStore.open(dir)) {
            assertEquals(Set.of(run.key()), merged.finishedKeys());
            assertEquals(1, merged.all().size());
        }
        // The other order: the result first, then the failure, which must not replace it.
        Path other = dir.resolve("other");
        try (ResultStore b = ResultStore.openShard(other, new Shard(0, 2))) {
            b.insertIfAbsent(run.key(), spec, TRAINER.run(spec, ProgressListener.NONE));
        }
        try (ResultStore a = ResultStore.openShard(other, new Shard(1, 2))) {
            a.insertFailure(run.key(), spec, "the node went away");
        }
        SweepMerge.merge(other, null);
        try (ResultStore merged = ResultStore.open(other)) {
            assertEquals(Set.of(run.key()), merged.finishedKeys());
        }
    }

    @Test
    void aFolderWithoutShardFilesOrPlanIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SweepMerge.merge(dir, null));
        assertTrue(e.getMessage().contains("no shard files in " + dir) && e.getMessage().contains("--shard I/N"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SweepMerge.merge(dir.resolve("nope"), null));
        assertTrue(e.getMessage().contains("no sweep folder"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SweepMerge.toDo(dir, null));
        assertTrue(e.getMessage().contains("plan.json is missing"), e.getMessage());
    }

    @Test
    void shardsSavingThePlanAtOnceLeaveOneWholePlan() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> saves = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                saves.add(pool.submit(() -> SweepFolder.savePlan(dir, PLAN, RUNS, null, false)));
            }
            for (Future<?> f : saves) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        Map<?, ?> saved = (Map<?, ?>) Json.parse(Files.readString(dir.resolve(SweepFolder.PLAN_FILE)));
        assertEquals(RUNS.stream().map(PlannedRun::key).sorted().toList(), saved.get("runs"));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(SweepFolder.PLAN_FILE), files.map(p -> p.getFileName().toString()).toList(),
                    "no temporary file left behind");
        }
    }

    @Test
    void aRestrictedPlanRoundTripsAndRefusesKeysItsGridsDoNotMake() {
        Set<String> two = Set.of(RUNS.get(0).key(), RUNS.get(5).key());
        Plan only = PLAN.only(two);
        Plan back = Plan.parse(Json.write(only.toMap()), "round trip");
        assertEquals(two, keys(back.expand(TRAINER)));
        Plan stranger = PLAN.only(Set.of("0".repeat(64)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> stranger.expand(TRAINER));
        assertTrue(e.getMessage().contains("only-runs") && e.getMessage().contains("0".repeat(64)), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Plan.parse("task: tiny\nlearners: [linear]\nonly-runs: [abc]\n", "bad keys"));
        assertTrue(e.getMessage().contains("only-runs") && e.getMessage().contains("64 hex digits"), e.getMessage());
    }

    private static String journalMode(Path file) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("PRAGMA journal_mode")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void shardsOfDifferentCodeAreNotMergedUnlessKeptAndTheCountsAreSaid() throws Exception {
        runShard(PLAN, RUNS, 0, 2);
        runShard(PLAN, RUNS, 1, 2);
        // shard 1 as if another build had computed it
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:"
                + dir.resolve("shard-1-of-2.sqlite"));
             Statement st = c.createStatement()) {
            assertEquals(6, st.executeUpdate("UPDATE runs SET record_json = replace(record_json, "
                    + "'\"fingerprint\":\"', '\"fingerprint\":\"0')"));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SweepMerge.merge(dir, null));
        assertTrue(e.getMessage().contains("computed by 2 codes: 6 by code ") && e.getMessage().contains("keep"),
                e.getMessage());
        assertFalse(Files.exists(dir.resolve(ResultStore.FILE_NAME)), "a refused merge writes nothing");

        SweepMerge.Report r = SweepMerge.merge(dir, null, CodeChange.KEEP);
        assertEquals(12, r.rows());
        assertEquals(List.of(6, 6), r.codes().values().stream().toList());
    }
}

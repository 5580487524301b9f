package org.samplex.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samplex.experiment.ProgressListener;
import org.samplex.experiment.RunRecord;
import org.samplex.experiment.RunSpec;

/** The worker pool on real (tiny) runs of the online protocol: faults, divergence, resume, parallel sweeps. */
class SweepRunnerTest {

    private static final RunService TRAINER = TinyProviders.trainer();

    @TempDir
    Path dir;

    /** 4 runs (N 2 and 3, seeds 0 and 1) per value of the options in {@code extra}; lr 0.05 learns in time. */
    private static Plan planOf(String extra) {
        return Plan.parse("""
                task: tiny
                learners: [linear]
                N: [2, 3]
                seeds: 2
                thresholds: 0.05
                lr: 0.05
                cap: 6400
                test-size: 50
                """ + extra, "test plan");
    }

    private static List<PlannedRun> plan(String extra) {
        return planOf(extra).expand(TRAINER);
    }

    /** Records what the sweep said, from any worker thread. */
    private static final class Recorder implements SweepListener {
        final List<String> started = Collections.synchronizedList(new ArrayList<>());
        final List<String> failed = Collections.synchronizedList(new ArrayList<>());
        final List<RunRecord> finished = Collections.synchronizedList(new ArrayList<>());
        final List<String> heartbeatFailures = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void runStarted(PlannedRun run) {
            started.add(run.key());
        }

        @Override
        public void runFinished(PlannedRun run, RunRecord record) {
            finished.add(record);
        }

        @Override
        public void runFailed(PlannedRun run, Throwable error) {
            failed.add(run.label() + ": " + error.getMessage());
        }

        @Override
        public void heartbeatFailed(PlannedRun run, RuntimeException error) {
            heartbeatFailures.add(error.getMessage());
        }
    }

    private Map<String, String> statusByLabel(List<PlannedRun> runs) {
        try (ResultStore store = ResultStore.open(dir)) {
            Map<String, String> byKey = store.all().stream()
                    .collect(Collectors.toMap(ResultStore.StoredRun::runKey, ResultStore.StoredRun::status));
            return runs.stream().filter(r -> byKey.containsKey(r.key()))
                    .collect(Collectors.toMap(PlannedRun::label, r -> byKey.get(r.key())));
        }
    }

    @Test
    void aForcedNanIsStoredAsDivergedAndTheSweepCompletes() {
        Plan p = planOf("learner-options: {nan: [false, true]}\n");
        List<PlannedRun> runs = p.expand(TRAINER);
        Recorder rec = new Recorder();
        SweepRunner.Outcome o = Sweep.run(dir, p, runs, null, false, TRAINER, 2, 2, rec);
        Map<String, String> status = statusByLabel(runs);
        System.out.println("diverging sweep: " + runs.size() + " planned, " + status.size() + " rows, by status "
                + o.ran());
        assertEquals(runs.size(), status.size());
        status.forEach((label, s) -> assertEquals(label.contains("nan=true") ? "diverged" : "completed", s, label));
        assertEquals(0, o.failed());
        assertEquals(Map.of("completed", 4, "diverged", 4), o.ran());
    }

    @Test
    void aRunThatThrowsIsStoredAsFailedAndTheOthersRun() {
        List<PlannedRun> runs = plan("learner-options: {throw: [false, true]}\n");
        Recorder rec = new Recorder();
        SweepRunner.Outcome o;
        try (ResultStore store = ResultStore.open(dir)) {
            o = SweepRunner.run(runs, store, TRAINER, 1, 1, rec);
            for (ResultStore.StoredRun row : store.all()) {
                if (row.status().equals("failed")) {
                    assertTrue(row.error().contains("IllegalStateException: the linear learner was asked to fail"),
                            row.error());
                    assertEquals(null, row.recordJson());
                }
            }
        }
        assertEquals(4, o.failed());
        assertEquals(4, rec.failed.size());
        assertEquals(Map.of("completed", 4, "failed", 4), o.ran());
        // A resume retries the failed runs (they fail again) and keeps one row per run.
        try (ResultStore store = ResultStore.open(dir)) {
            SweepRunner.Outcome again = SweepRunner.run(runs, store, TRAINER, 2, 2, SweepListener.NONE);
            assertEquals(4, again.skipped());
            assertEquals(Map.of("failed", 4), again.ran());
            assertEquals(runs.size(), store.all().size());
        }
    }

    @Test
    void aResumeSkipsWhatTheStoreHas() {
        List<PlannedRun> runs = plan("");
        try (ResultStore store = ResultStore.open(dir)) {
            SweepRunner.run(runs.subList(0, 2), store, TRAINER, 1, 1, SweepListener.NONE);
            Recorder rec = new Recorder();
            SweepRunner.Outcome o = SweepRunner.run(runs, store, TRAINER, 1, 1, rec);
            assertEquals(2, o.skipped());
            assertEquals(runs.subList(2, 4).stream().map(PlannedRun::key).toList(), rec.started);
            assertEquals(runs.stream().map(PlannedRun::key).sorted().toList(),
                    store.all().stream().map(ResultStore.StoredRun::runKey).toList());
        }
    }

    @Test
    void twoSweepsOnOneFolderRunEveryRunOnceBetweenThem() {
        List<PlannedRun> runs = plan("learner-options: {nan: [false, true]}\n");
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        // Two threads of their own (the common pool may have one thread on a small machine).
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CompletableFuture<SweepRunner.Outcome> first = CompletableFuture.supplyAsync(() -> {
                try (ResultStore store = ResultStore.open(dir)) {
                    return SweepRunner.run(runs, store, TRAINER, 2, 2, a);
                }
            }, pool);
            CompletableFuture<SweepRunner.Outcome> second = CompletableFuture.supplyAsync(() -> {
                try (ResultStore store = ResultStore.open(dir)) {
                    return SweepRunner.run(runs, store, TRAINER, 2, 2, b);
                }
            }, pool);
            first.join();
            second.join();
        } finally {
            pool.shutdown();
        }
        assertEquals(runs.size(), a.started.size() + b.started.size(), "each run claimed by one sweep");
        assertEquals(runs.size(), statusByLabel(runs).size());
    }

    /** What a broken worker throws: an Error, which the runner does not store as a failed run. */
    private static final class WorkerBroke extends Error {
        WorkerBroke() {
            super("worker broke");
        }
    }

    @Test
    void aWorkerThatThrowsStopsTheSweepOnlyOnceTheOtherRunsAreStored() {
        Plan p = planOf("");
        List<PlannedRun> runs = p.expand(TRAINER);
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch secondStarted = new CountDownLatch(1);
        CountDownLatch firstThrown = new CountDownLatch(1);
        RunService trainer = new RunService.Forwarding(TRAINER) {
            @Override
            public RunRecord run(RunSpec spec, ProgressListener listener) {
                int call = calls.getAndIncrement();
                try {
                    if (call == 0) {
                        secondStarted.await(5, TimeUnit.SECONDS);
                        firstThrown.countDown();
                        throw new WorkerBroke();
                    }
                    if (call == 1) {
                        secondStarted.countDown();
                        firstThrown.await(5, TimeUnit.SECONDS);
                        // Long enough for a sweep that did not wait to have closed its store.
                        Thread.sleep(300);
                    }
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return TRAINER.run(spec, listener);
            }
        };
        assertThrows(WorkerBroke.class, () -> Sweep.run(dir, p, runs, null, false, trainer, 2, 2,
                SweepListener.NONE));
        assertEquals(2, calls.get(), "no run starts after a worker failed");
        assertEquals(List.of("completed"), List.copyOf(statusByLabel(runs).values()),
                "the run under way when the other worker failed is stored");
    }

    @Test
    void aHeartbeatThatCannotBeWrittenIsToldOnceAndTheRunsGoOn() throws SQLException {
        List<PlannedRun> runs = plan("");
        Recorder rec = new Recorder();
        try (ResultStore store = ResultStore.open(dir)) {
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + store.file());
                 Statement st = c.createStatement()) {
                // Renewing a claim is the only UPDATE of a claim here (a fresh claim is an INSERT).
                st.execute("CREATE TRIGGER refuse_heartbeat BEFORE UPDATE ON claims "
                        + "BEGIN SELECT RAISE(ABORT, 'heartbeat refused'); END");
            }
            SweepRunner.Outcome o = SweepRunner.run(runs, store, TRAINER, 1, 1, 1, rec, 0);
            assertEquals(Map.of("completed", runs.size()), o.ran(), String.join("\n", rec.failed));
        }
        assertEquals(1, rec.heartbeatFailures.size(), rec.heartbeatFailures.toString());
        assertTrue(rec.heartbeatFailures.getFirst().contains("heartbeat refused"), rec.heartbeatFailures.toString());
    }

    @Test
    void threadsPerRunShareTheCores() {
        assertEquals(2, SweepRunner.threadsPerRun(3, 8));
        assertEquals(1, SweepRunner.threadsPerRun(4, 2));
        assertEquals(6, SweepRunner.threadsPerRun(1, 6));
        assertEquals(Math.max(1, Runtime.getRuntime().availableProcessors() / 2), SweepRunner.threadsPerRun(2, 0));
        assertThrows(IllegalArgumentException.class, () -> SweepRunner.threadsPerRun(0, 4));
    }

    @Test
    void runsGetTheirShareOfThreads() {
        List<PlannedRun> runs = plan("");
        Recorder rec = new Recorder();
        try (ResultStore store = ResultStore.open(dir)) {
            SweepRunner.run(runs, store, TRAINER, 2, 4, rec);
        }
        assertEquals(runs.size(), rec.finished.size());
        rec.finished.forEach(r -> assertEquals(2, r.spec().threads()));
    }
}

package org.samplex.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samplex.experiment.PackedProtocol;
import org.samplex.experiment.RunSpec;

/**
 * The sweep's side of packing ({@link SweepPacks}) with a service whose packs are scripted: which runs share a
 * pack, refills from the ready runs with the same key, the cap at a run's threads on a backend with host threads,
 * and what a failing pack leaves in the store.
 */
class SweepPacksTest {

    private static final RunService TRAINER = TinyProviders.trainer();

    @TempDir
    Path dir;

    /** 6 runs: N 2 and 3 (two pack keys), seeds 0-2. */
    private static List<PlannedRun> runs() {
        return Plan.parse("""
                task: tiny
                learners: [linear]
                N: [2, 3]
                seeds: 3
                thresholds: 0.05
                lr: 0.05
                cap: 6400
                test-size: 50
                """, "pack plan").expand(TRAINER);
    }

    /**
     * A service that packs runs with equal N: each pack's runs (as given, then as refilled) are run alone by the
     * tiny trainer and reported to the feed; with {@code failAfter} k, the pack throws after its k-th run ends.
     */
    private static final class Packing extends RunService.Forwarding {
        final boolean host;
        final int failAfter;
        final List<List<Long>> packs = Collections.synchronizedList(new ArrayList<>());

        Packing(boolean host, int failAfter) {
            super(TRAINER);
            this.host = host;
            this.failAfter = failAfter;
        }

        @Override
        public String packKey(RunSpec resolvedSpec) {
            return "N " + resolvedSpec.taskOptions().get("N");
        }

        @Override
        public boolean hostThreads(String backend) {
            return host;
        }

        @Override
        public void runPacked(List<RunSpec> specs, PackedProtocol.Feed feed) {
            List<Long> seeds = new ArrayList<>();
            packs.add(seeds);
            List<RunSpec> todo = new ArrayList<>(specs);
            int ended = 0;
            while (!todo.isEmpty()) {
                RunSpec s = todo.removeFirst();
                seeds.add(s.seed());
                feed.finished(s, TRAINER.run(s, feed.listener(s)));
                if (++ended == failAfter) {
                    throw new IllegalStateException("the pack broke");
                }
                RunSpec next = feed.next();
                if (next != null) {
                    todo.add(next);
                }
            }
        }
    }

    private Map<String, String> rows() {
        try (ResultStore store = ResultStore.open(dir)) {
            Map<String, String> out = new TreeMap<>();
            store.all().forEach(r -> out.put(r.runKey(), r.status()));
            return out;
        }
    }

    @Test
    void runsWithOneKeySharePacksThatRefillTheirSlotsAndEveryRunIsStoredOnce() {
        Packing service = new Packing(false, 0);
        List<PlannedRun> runs = runs();
        try (ResultStore store = ResultStore.open(dir)) {
            SweepRunner.Outcome o = SweepRunner.run(runs, store, service, 1, 1, 2, SweepListener.NONE);
            assertEquals(6, o.ran().values().stream().mapToInt(Integer::intValue).sum(), o.toString());
        }
        assertEquals(6, rows().size());
        assertEquals(List.of(List.of(0L, 1L, 2L), List.of(0L, 1L, 2L)), service.packs,
                "one pack per N: two runs, the third refilling the first freed slot");
    }

    @Test
    void onABackendWithHostThreadsAPackHoldsAtMostARunsThreads() {
        Packing service = new Packing(true, 0);
        try (ResultStore store = ResultStore.open(dir)) {
            SweepRunner.run(runs(), store, service, 1, 1, 3, SweepListener.NONE);
        }
        assertEquals(6, rows().size());
        assertTrue(service.packs.isEmpty(), "1 thread per run: every run alone, " + service.packs);
    }

    @Test
    void aPackThatFailsStoresItsUnfinishedRunsAsFailedAndTheSweepGoesOn() {
        Packing service = new Packing(false, 1);
        SweepRunner.Outcome o;
        try (ResultStore store = ResultStore.open(dir)) {
            o = SweepRunner.run(runs(), store, service, 1, 1, 2, SweepListener.NONE);
        }
        // per N: a pack of seeds 0 and 1 stores seed 0 and breaks, seed 1 is stored failed; seed 2 then packs alone
        // (no other ready run with its key) and runs as a run alone
        assertEquals(2, o.failed(), o.toString());
        Map<String, Long> byStatus = new TreeMap<>();
        rows().values().forEach(s -> byStatus.merge(s, 1L, Long::sum));
        assertEquals(6, rows().size(), byStatus.toString());
        assertEquals(2L, byStatus.get("failed"), byStatus.toString());
    }
}

package org.samplex.sweep;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.samplex.experiment.PackedProtocol;
import org.samplex.experiment.ProgressListener;
import org.samplex.experiment.RunRecord;
import org.samplex.experiment.RunSpec;

/**
 * The packs of a sweep ({@link SweepRunner}, {@code --pack P}): which claimed ready runs train together (equal
 * pack keys, {@link RunService#packKey}; at most P, and at most a run's threads on a backend with host threads),
 * and a pack from its start to its runs' records in the store, refilling freed slots from the ready runs with its
 * key. A pack that fails stores every run in it that has not ended as failed; a store that cannot be written stops
 * the sweep, as for a run alone.
 */
final class SweepPacks {
    private final SweepRunner runner;
    private final ResultStore store;
    private final RunService trainer;
    private final SweepListener listener;
    private final int threadsPerRun;
    private final int pack;
    /** Pack keys by run key; an empty string for a run that cannot be packed. */
    private final Map<String, String> packKeys = new ConcurrentHashMap<>();
    /** Whether a backend name computes with host threads (packs capped at a run's threads). */
    private final Map<String, Boolean> hostThreads = new ConcurrentHashMap<>();

    SweepPacks(SweepRunner runner, ResultStore store, RunService trainer, SweepListener listener, int threadsPerRun,
               int pack) {
        this.runner = runner;
        this.store = store;
        this.trainer = trainer;
        this.listener = listener;
        this.threadsPerRun = threadsPerRun;
        this.pack = pack;
    }

    /** The run's pack key, or "" when it cannot be packed (or packing is off). */
    String packKey(PlannedRun r) {
        if (pack < 2) {
            return "";
        }
        return packKeys.computeIfAbsent(r.key(), k -> {
            try {
                return Objects.requireNonNullElse(trainer.packKey(runner.spec(r)), "");
            } catch (RuntimeException cannotBeSetUp) {
                return ""; // run alone, where its error is stored as the run's failure
            }
        });
    }

    /** Whether the backend computes with host threads; true (the cap) when that cannot be told here. */
    private boolean hostThreads(String backend) {
        return hostThreads.computeIfAbsent(backend, b -> {
            try {
                return trainer.hostThreads(b);
            } catch (RuntimeException cannotTell) {
                return true; // the run fails alone, where its error is stored
            }
        });
    }

    /**
     * A claimed run and up to P - 1 more claimed ready runs with its pack key: P is the pack size asked for, at most
     * the threads of a run on a backend with host threads.
     */
    List<PlannedRun> packWith(PlannedRun r) {
        List<PlannedRun> mine = new ArrayList<>(List.of(r));
        String key = packKey(r);
        if (key.isEmpty()) {
            return mine;
        }
        int most = hostThreads(r.spec().backend()) ? Math.min(pack, threadsPerRun) : pack;
        while (mine.size() < most) {
            PlannedRun next = takeCompatible(key);
            if (next == null) {
                break;
            }
            mine.add(next);
        }
        return mine;
    }

    /** The next ready run with this pack key that this process claims, or null when none is left. */
    private PlannedRun takeCompatible(String key) {
        for (PlannedRun next = pollCompatible(key); next != null; next = pollCompatible(key)) {
            switch (store.claim(next.key())) {
                case FINISHED -> runner.countElsewhere();
                case HELD -> runner.hold(next);
                case CLAIMED -> {
                    return next;
                }
            }
        }
        return null;
    }

    private PlannedRun pollCompatible(String key) {
        return runner.pollReady(r -> packKey(r).equals(key));
    }

    /**
     * Trains claimed runs as one pack that refills its slots from the ready runs with their key; stores each run
     * as it ends, and every run not ended as failed when the pack fails.
     */
    void execute(List<PlannedRun> first) {
        Map<RunSpec, PlannedRun> running = new IdentityHashMap<>();
        List<RunSpec> specs = new ArrayList<>();
        for (PlannedRun r : first) {
            RunSpec s = runner.spec(r);
            running.put(s, r);
            specs.add(s);
            listener.runStarted(r);
        }
        String key = packKey(first.getFirst());
        RuntimeException[] storeFailure = new RuntimeException[1];
        try {
            trainer.runPacked(specs, new PackedProtocol.Feed() {
                @Override
                public RunSpec next() {
                    PlannedRun r = takeCompatible(key);
                    if (r == null) {
                        return null;
                    }
                    RunSpec s = runner.spec(r);
                    running.put(s, r);
                    listener.runStarted(r);
                    return s;
                }

                @Override
                public ProgressListener listener(RunSpec spec) {
                    return runner.progress(running.get(spec));
                }

                @Override
                public void finished(RunSpec spec, RunRecord record) {
                    PlannedRun r = running.get(spec);
                    try {
                        store.insertIfAbsent(r.key(), spec, record);
                    } catch (RuntimeException e) {
                        storeFailure[0] = e;
                        throw e;
                    }
                    running.remove(spec);
                    runner.count(record.status().label());
                    listener.runFinished(r, record);
                }
            });
        } catch (Exception | OutOfMemoryError | StackOverflowError e) {
            if (e == storeFailure[0]) {
                throw storeFailure[0];
            }
            for (Map.Entry<RunSpec, PlannedRun> unfinished : running.entrySet()) {
                store.insertFailure(unfinished.getValue().key(), unfinished.getKey(), SweepRunner.describe(e));
                runner.count("failed");
                listener.runFailed(unfinished.getValue(), e);
            }
        }
    }
}

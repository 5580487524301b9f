package org.samplex.sweep;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.samplex.experiment.ProgressListener;
import org.samplex.experiment.RunRecord;
import org.samplex.experiment.RunSpec;

/**
 * Runs the planned runs that a store has no result for, on a pool of workers in this process, and stores each
 * outcome as it ends. A run that throws is stored as failed and the sweep goes on; a censored or diverged run is
 * a result like any other. Runs that another live process has claimed are left to it and waited for.
 *
 * <p>Threads: W workers each run one run at a time on a backend of its own with max(1, T / W) threads, T the
 * threads given (0: the processors of this machine), so the runs together do not oversubscribe the cores.
 *
 * <p>Packs ({@code pack} P > 1): a worker whose run can be packed ({@link RunService#packKey}) claims up to P - 1
 * more ready runs with its key and trains them as one pack ({@link RunService#runPacked}); a run that ends in the
 * pack is stored at once and its slot takes the next ready run with the key, claimed likewise. Each record holds
 * what the run records alone (docs/packing.md). If the pack fails, every run in it that has not ended is stored
 * as failed with the pack's error. On a backend with host threads ({@link RunService#hostThreads}) a pack holds at
 * most as many runs as a run has threads.
 */
public final class SweepRunner {

    /** Nanoseconds between heartbeats of a running run's claim. */
    private static final long HEARTBEAT_NANOS = 30_000_000_000L;

    /** Milliseconds between looks at runs that another process holds. */
    private static final long HELD_POLL_MILLIS = 1000;

    /** Stack frames of a failure kept in the store. */
    private static final int STACK_LINES = 25;

    /**
     * What a sweep did.
     *
     * @param planned      runs in the plan
     * @param skipped      already in the store when the sweep started
     * @param ran          run here, by status label ("completed", "censored", "diverged", "failed"), in that
     *                      alphabetical order
     * @param doneElsewhere finished by another process while this one ran
     */
    public record Outcome(int planned, int skipped, Map<String, Integer> ran, int doneElsewhere) {

        public Outcome {
            ran = Collections.unmodifiableMap(new TreeMap<>(ran));
        }

        /** Runs that failed here. */
        public int failed() {
            return ran.getOrDefault("failed", 0);
        }
    }

    private final ResultStore store;
    private final RunService trainer;
    private final SweepListener listener;
    private final int threadsPerRun;
    /** Packs of this sweep ({@code --pack}); forms none when the pack size is 1. */
    private final SweepPacks packs;
    private final Deque<PlannedRun> ready = new ArrayDeque<>();
    private final List<PlannedRun> held = new ArrayList<>();
    private final Map<String, Integer> ran = new TreeMap<>();
    private final long heartbeatNanos;
    private int doneElsewhere;
    private boolean stopping;
    private boolean heartbeatFailed;

    private SweepRunner(ResultStore store, RunService trainer, SweepListener listener, int threadsPerRun,
                        int pack, long heartbeatNanos) {
        this.store = store;
        this.trainer = trainer;
        this.listener = listener;
        this.threadsPerRun = threadsPerRun;
        this.packs = new SweepPacks(this, store, trainer, listener, threadsPerRun, pack);
        this.heartbeatNanos = heartbeatNanos;
    }

    /** Threads per run: max(1, total / workers), total 0 meaning this machine's processors. */
    public static int threadsPerRun(int workers, int totalThreads) {
        if (workers < 1) {
            throw new IllegalArgumentException("option 'workers' must be at least 1, got " + workers);
        }
        if (totalThreads < 0) {
            throw new IllegalArgumentException("option 'threads' must be at least 0, got " + totalThreads);
        }
        int total = totalThreads == 0 ? Runtime.getRuntime().availableProcessors() : totalThreads;
        return Math.max(1, total / workers);
    }

    /** Checks a pack size: 1 (no packing) to {@link #MAX_PACK}. */
    public static void checkPack(int pack) {
        if (pack < 1 || pack > MAX_PACK) {
            throw new IllegalArgumentException("option 'pack' must be between 1 (every run alone) and " + MAX_PACK
                    + ", got " + pack);
        }
    }

    /**
     * Runs what the store lacks of {@code runs}.
     *
     * @param workers      runs at once, at least 1
     * @param totalThreads threads for all runs together; 0 for this machine's processors
     * @throws java.io.UncheckedIOException when the store cannot be written (the sweep stops: results would be
     *                                      lost); thrown once the runs under way have ended, no new run started
     */
    public static Outcome run(List<PlannedRun> runs, ResultStore store, RunService trainer, int workers,
                              int totalThreads, SweepListener listener) {
        return run(runs, store, trainer, workers, totalThreads, 1, listener, HEARTBEAT_NANOS);
    }

    /**
     * {@link #run(List, ResultStore, RunService, int, int, SweepListener)} with up to {@code pack} runs trained
     * as one pack (1: every run alone).
     */
    public static Outcome run(List<PlannedRun> runs, ResultStore store, RunService trainer, int workers,
                              int totalThreads, int pack, SweepListener listener) {
        return run(runs, store, trainer, workers, totalThreads, pack, listener, HEARTBEAT_NANOS);
    }

    /** Packs of at most this many runs ({@code --pack}). */
    public static final int MAX_PACK = 256;

    /** {@link #run} with the time between heartbeats given, so tests need not wait for one. */
    static Outcome run(List<PlannedRun> runs, ResultStore store, RunService trainer, int workers, int totalThreads,
                       int pack, SweepListener listener, long heartbeatNanos) {
        checkPack(pack);
        SweepRunner runner = new SweepRunner(store, trainer, listener, threadsPerRun(workers, totalThreads), pack,
                heartbeatNanos);
        var finished = store.finishedKeys();
        int skipped = 0;
        for (PlannedRun r : runs) {
            if (finished.contains(r.key())) {
                skipped++;
            } else {
                runner.ready.add(r);
            }
        }
        // pack keys are worked out here, before any worker, not later under the queue's lock
        runner.ready.forEach(runner.packs::packKey);
        listener.started(runs.size(), skipped, workers, runner.threadsPerRun);
        int pool = Math.max(1, Math.min(workers, runner.ready.size()));
        // Daemon threads: a worker still training when the JVM is told to exit does not keep it alive.
        ExecutorService executor = Executors.newFixedThreadPool(pool, Thread.ofPlatform().daemon(true)
                .name("sweep-worker-", 1).factory());
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < pool; i++) {
                futures.add(executor.submit(runner::work));
            }
            runner.awaitAll(futures);
        } finally {
            executor.shutdown();
        }
        synchronized (runner) {
            return new Outcome(runs.size(), skipped, runner.ran, runner.doneElsewhere);
        }
    }

    /**
     * Waits for every worker, also after one has failed: the training loop cannot be interrupted, and the caller
     * closes the store once this returns, so no worker may still be writing to it. A worker that fails stops the
     * others taking new runs (see {@link #work}); the first failure is rethrown, later ones added as suppressed.
     */
    private void awaitAll(List<Future<?>> futures) {
        Throwable first = null;
        boolean interrupted = false;
        for (Future<?> f : futures) {
            while (true) {
                try {
                    f.get();
                    break;
                } catch (InterruptedException e) {
                    if (!interrupted) {
                        interrupted = true;
                        stop();
                        first = addFailure(first, new IllegalStateException("the sweep was interrupted", e));
                    }
                } catch (ExecutionException e) {
                    first = addFailure(first, e.getCause());
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (first instanceof RuntimeException r) {
            throw r;
        }
        if (first instanceof Error err) {
            throw err;
        }
        if (first != null) {
            throw new IllegalStateException(first);
        }
    }

    private static Throwable addFailure(Throwable first, Throwable next) {
        if (first == null) {
            return next;
        }
        if (next != first) {
            first.addSuppressed(next);
        }
        return first;
    }

    /**
     * One worker: takes runs until none is left, claiming each before running it. When it throws (the store cannot
     * be written), the sweep stops: no worker starts another run.
     */
    private void work() {
        try {
            for (PlannedRun r = take(); r != null; r = take()) {
                switch (store.claim(r.key())) {
                    case FINISHED -> countElsewhere();
                    case HELD -> hold(r);
                    case CLAIMED -> {
                        List<PlannedRun> mine = packs.packWith(r);
                        if (mine.size() == 1) {
                            execute(r);
                        } else {
                            packs.execute(mine);
                        }
                    }
                }
            }
        } catch (RuntimeException | Error e) {
            stop();
            throw e;
        }
    }

    /** No run starts after this; workers waiting for held runs give up at once. */
    private synchronized void stop() {
        stopping = true;
        notifyAll();
    }

    /**
     * The next run to try, or null when every run is done. When only runs held by other processes are left, waits
     * a little and tries them again, so the sweep ends with all its runs in the store. Null too once the sweep
     * stops.
     */
    private synchronized PlannedRun take() {
        while (!stopping && ready.isEmpty() && !held.isEmpty()) {
            listener.waiting(held.size());
            try {
                wait(HELD_POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            if (ready.isEmpty()) {
                ready.addAll(held);
                held.clear();
            }
        }
        return stopping ? null : ready.pollFirst();
    }

    synchronized void hold(PlannedRun r) {
        held.add(r);
    }

    synchronized void countElsewhere() {
        doneElsewhere++;
    }

    synchronized void count(String status) {
        ran.merge(status, 1, Integer::sum);
    }

    /** The spec a worker runs: the planned one with the worker's threads. */
    RunSpec spec(PlannedRun r) {
        return r.spec().toBuilder().threads(threadsPerRun).build();
    }

    /** The first ready run that {@code fits}, taken off the queue; null when none does or the sweep stops. */
    synchronized PlannedRun pollReady(java.util.function.Predicate<PlannedRun> fits) {
        if (stopping) {
            return null;
        }
        for (var it = ready.iterator(); it.hasNext(); ) {
            PlannedRun r = it.next();
            if (fits.test(r)) {
                it.remove();
                return r;
            }
        }
        return null;
    }

    private void execute(PlannedRun r) {
        RunSpec spec = spec(r);
        listener.runStarted(r);
        RunRecord record;
        try {
            record = trainer.run(spec, progress(r));
        } catch (Exception | OutOfMemoryError | StackOverflowError e) {
            store.insertFailure(r.key(), spec, describe(e));
            count("failed");
            listener.runFailed(r, e);
            return;
        }
        store.insertIfAbsent(r.key(), spec, record);
        count(record.status().label());
        listener.runFinished(r, record);
    }

    /**
     * Passes checks on to the listener and renews the claim now and then. A heartbeat that cannot be written does
     * not fail the run (its result is still worth storing; at worst another host retakes the claim): the listener
     * hears of the first such failure in this sweep and the run goes on.
     */
    ProgressListener progress(PlannedRun r) {
        long[] lastBeat = {System.nanoTime()};
        return (point, elapsed) -> {
            long now = System.nanoTime();
            if (now - lastBeat[0] > heartbeatNanos) {
                lastBeat[0] = now;
                try {
                    store.heartbeat(r.key());
                } catch (RuntimeException e) {
                    if (firstHeartbeatFailure()) {
                        listener.heartbeatFailed(r, e);
                    }
                }
            }
            listener.checked(r, point, elapsed);
        };
    }

    private synchronized boolean firstHeartbeatFailure() {
        boolean first = !heartbeatFailed;
        heartbeatFailed = true;
        return first;
    }

    /** The failure as the store keeps it: the exception and the top of its stack. */
    static String describe(Throwable e) {
        StringWriter text = new StringWriter();
        e.printStackTrace(new PrintWriter(text));
        List<String> lines = text.toString().lines().toList();
        if (lines.size() <= STACK_LINES) {
            return String.join("\n", lines);
        }
        return String.join("\n", lines.subList(0, STACK_LINES)) + "\n\t... " + (lines.size() - STACK_LINES)
                + " more lines";
    }
}

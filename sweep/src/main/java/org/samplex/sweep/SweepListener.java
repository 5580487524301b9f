package org.samplex.sweep;

import org.samplex.experiment.RunRecord;

/**
 * Hears what a sweep does, for progress on a terminal or in a log. Called from the worker threads (several at
 * once when there are several workers); implementations synchronize and return quickly.
 */
public interface SweepListener {

    /** Hears nothing. */
    SweepListener NONE = new SweepListener() {
    };

    /**
     * Before any run starts.
     *
     * @param planned  runs in the plan
     * @param finished of them, those the store already has a result for (skipped)
     * @param workers  runs at once
     * @param threads  threads per run
     */
    default void started(int planned, int finished, int workers, int threads) {
    }

    /** A worker starts a run. */
    default void runStarted(PlannedRun run) {
    }

    /** After every check of a running run (see {@code ProgressListener.checked}). */
    default void checked(PlannedRun run, RunRecord.CurvePoint point, double elapsedSeconds) {
    }

    /** A run ended with a result, now stored. */
    default void runFinished(PlannedRun run, RunRecord record) {
    }

    /** A run threw; the failure is stored and the sweep goes on. */
    default void runFailed(PlannedRun run, Throwable error) {
    }

    /**
     * A running run's claim could not be renewed; the run goes on. Told once per sweep, for the first such
     * failure.
     */
    default void heartbeatFailed(PlannedRun run, RuntimeException error) {
    }

    /** Runs another live process is running; this sweep waits for them. */
    default void waiting(int heldElsewhere) {
    }
}

package org.samplex.experiment.sweep;

import java.nio.file.Path;
import java.util.List;

/**
 * A sweep end to end in one folder: the plan saved (or checked against the saved one), the results store opened,
 * the runs it lacks run by a worker pool, the store closed.
 */
public final class Sweep {

    private Sweep() {
    }

    /**
     * Runs a plan's runs into {@code dir}.
     *
     * @param runs         the plan's runs ({@link Plan#expand})
     * @param preset       the reproduction's name for plan.json, or null
     * @param extend       whether a plan with other runs than the saved one may go on in this folder
     * @param workers      runs at once
     * @param totalThreads threads for all runs together; 0 for this machine's processors
     * @throws IllegalArgumentException when the folder holds another plan and {@code extend} is false
     */
    public static SweepRunner.Outcome run(Path dir, Plan plan, List<PlannedRun> runs, String preset, boolean extend,
                                          Trainer trainer, int workers, int totalThreads, SweepListener listener) {
        SweepRunner.threadsPerRun(workers, totalThreads);
        SweepFolder.savePlan(dir, plan, runs, preset, extend);
        try (ResultStore store = ResultStore.open(dir)) {
            return SweepRunner.run(runs, store, trainer, workers, totalThreads, listener);
        }
    }
}

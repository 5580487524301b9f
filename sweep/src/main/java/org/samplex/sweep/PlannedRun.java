package org.samplex.sweep;

import org.samplex.experiment.RunKeys;
import org.samplex.experiment.RunSpec;

/**
 * One run of a sweep.
 *
 * @param key   its run key ({@link RunKeys#of})
 * @param spec  the resolved spec, threads 0 (the sweep sets them when it runs it)
 * @param label the run's coordinates for people: learner, task options, learner options given, seed
 */
public record PlannedRun(String key, RunSpec spec, String label) {

    /** The first hex digits of the key, for listings. */
    public String shortKey() {
        return key.substring(0, RunKeys.PREFIX_LENGTH);
    }
}

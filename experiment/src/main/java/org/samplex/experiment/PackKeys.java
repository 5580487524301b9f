package org.samplex.experiment;

import org.samplex.api.Backend;
import org.samplex.api.learn.LearnerProvider;
import org.samplex.api.learn.TaskProvider;
import org.samplex.api.learn.TaskShape;

/**
 * Which runs may share a pack ({@link PackedSession}) and how many fit one: the pack key of a resolved spec and the
 * memory test. A sweep groups runs by these keys; a pack refuses a run whose key is not its own.
 */
public final class PackKeys {
    private PackKeys() {
    }

    /**
     * The pack key of a resolved spec: runs with equal keys may share a pack; null when the spec cannot be packed
     * (a learner whose provider is not packable, a fixed training set, or {@code inspect}).
     */
    public static String key(RunSpec resolved, TaskShape shape, LearnerProvider learnerProvider) {
        if (!learnerProvider.packable() || resolved.trainSet() != null || resolved.inspect()) {
            return null;
        }
        return String.join(" | ", resolved.learner(), String.valueOf(resolved.learnerOptions()), resolved.task(),
                "N " + shape.positions() + " D " + shape.inputWidth(), "batch " + resolved.batch(),
                "test " + resolved.testSize(), "every " + resolved.checkEvery(), "backend " + resolved.backend(),
                "threads " + resolved.threads());
    }

    /**
     * How many runs like {@code spec} (at most {@code wanted}, at least 1) fit one pack on {@code backend}: the
     * largest R whose estimate, R times one run's ({@link MemoryEstimate}), {@link MemoryEstimate#fits}. A run
     * that does not fit alone gives 1, and opening it then refuses it with the estimate.
     */
    public static int runsThatFit(RunSpec spec, LearnerProvider learnerProvider, TaskProvider taskProvider,
                                  Backend backend, int wanted) {
        TrainingSession.Setup s = TrainingSession.setUp(spec, learnerProvider, taskProvider);
        MemoryEstimate one = MemoryEstimate.of(s.spec(), s.task(), learnerProvider, s.learnerConfig(),
                backend.dtype());
        int runs = wanted;
        while (runs > 1 && !one.times(runs).fits(backend)) {
            runs--;
        }
        return runs;
    }

    /** Refuses a set-up run whose pack key is not {@code key}, naming both. */
    static void require(String key, TrainingSession.Setup s, LearnerProvider learnerProvider) {
        String k = key(s.spec(), s.task().shape(), learnerProvider);
        if (key == null || !key.equals(k)) {
            throw new IllegalArgumentException("run " + s.spec().seed() + " of " + s.spec().learner()
                    + " cannot share this pack: its pack key is " + k + ", the pack's " + key);
        }
    }
}

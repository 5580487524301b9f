package org.samplex.experiment.metering;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.samplex.api.Backend;
import org.samplex.api.BackendOptions;
import org.samplex.api.Services;
import org.samplex.api.learn.Batch;
import org.samplex.api.learn.Learner;
import org.samplex.api.learn.LearnerProvider;
import org.samplex.api.learn.TaskProvider;
import org.samplex.experiment.OnlineProtocol;
import org.samplex.experiment.ProgressListener;
import org.samplex.experiment.RunRecord;
import org.samplex.experiment.RunSpec;
import org.samplex.experiment.TrainingSession;

/**
 * Measures the online protocol's training step ({@code samplex bench}): for one resolved spec, warm-up steps,
 * then timed steps of a {@link TrainingSession}, the protocol's own steps (fresh batch, forward, mse,
 * backward, AdamW; a replayable learner's first step captured and every later one refilled and replayed), the backend synchronized before the clock is read; then, in a separate pass, profiled steps through a
 * {@link TimedBackend} for the share of each {@link KernelFamily}; then one evaluation of
 * {@link BenchSettings#EVAL_PROMPTS} test prompts, timed on its own; optionally one real run of the protocol to
 * the spec's thresholds ({@link OnlineProtocol#run}, time to n*).
 *
 * <p>Shares are of a protocol run's time: the evaluation's share is that of a check (the timed evaluation scaled
 * to the spec's test size) against check-every unprofiled steps; the rest is split between the families in the
 * proportions of the profiled steps, whose wall time outside every kernel call is {@link KernelFamily#HOST}.
 *
 * <p>Step s (from 0, counting warm-up, timed and profiled steps together) trains on prompts [s B, (s + 1) B) of
 * {@code RngStream.of(seed, "train")}, as the protocol's online steps do. Everything runs through the
 * {@link TimedBackend}, the captured step included, so the profiled pass times the replayed kernels. Every buffer
 * is closed before a measurement returns; the backend stays its caller's.
 */
public final class Bench {

    /** Hears about a bench while it runs. */
    public interface Listener {
        /** Hears nothing. */
        Listener NONE = new Listener() {
        };

        /** Once, before the backend opens, with the chooser's sentence on which backend runs and why. */
        default void backendChosen(String explanation) {
        }

        /** Before each case is measured. */
        default void starting(RunSpec spec) {
        }
    }

    private Bench() {
    }

    /**
     * Measures every spec on one backend, chosen by the first spec's backend name and opened with its threads.
     * All specs are resolved first, so a bad option fails before anything runs.
     *
     * @throws IllegalArgumentException                    for bad options, as {@link OnlineProtocol#resolve}
     * @throws org.samplex.api.BackendUnavailableException when the backend cannot run here
     */
    public static List<BenchResult> run(List<RunSpec> specs, Services services, BenchSettings settings,
                                        Listener listener) {
        if (specs.isEmpty()) {
            throw new IllegalArgumentException("nothing to bench: no learner or no N");
        }
        List<RunSpec> resolved = specs.stream().map(s -> OnlineProtocol.resolve(s, services)).toList();
        RunSpec first = resolved.getFirst();
        Services.BackendChoice choice = services.chooseBackend(first.backend());
        listener.backendChosen(choice.explanation());
        List<BenchResult> results = new ArrayList<>();
        try (Backend backend = choice.provider().open(new BackendOptions(first.threads(), Map.of()))) {
            for (RunSpec spec : resolved) {
                listener.starting(spec);
                results.add(measure(spec, services.learner(spec.learner()), services.task(spec.task()), backend,
                        settings));
            }
        }
        return results;
    }

    /** Measures one spec on a backend the caller opened and still owns. */
    public static BenchResult measure(RunSpec spec, LearnerProvider learnerProvider, TaskProvider taskProvider,
                                      Backend backend, BenchSettings settings) {
        TimedBackend timed = new TimedBackend(backend);
        TrainingSession.Metering data = new TrainingSession.Metering() {
            @Override
            public void dataBegin() {
                timed.beginScope(KernelFamily.DATA);
            }

            @Override
            public void dataEnd() {
                timed.endScope();
            }
        };
        RunSpec s;
        int positions;
        Steps steps;
        long parameterCount;
        double evalSeconds;
        try (TrainingSession session = TrainingSession.open(spec, learnerProvider, taskProvider, timed, data)) {
            s = session.spec();
            positions = session.task().shape().positions();
            parameterCount = session.learner().parameters().count();
            steps = new Steps(session, timed);
            session.steps(settings.warmupSteps());
            long warmEnd = System.nanoTime() + (long) (settings.warmupSeconds() * 1e9);
            while (System.nanoTime() < warmEnd) {
                session.steps(10);
            }
            steps.timeUnprofiled(settings.steps());
            steps.timeProfiled(settings.profileSteps());
            evalSeconds = evaluationSeconds(session);
        }
        Map<KernelFamily, Double> shares = new EnumMap<>(KernelFamily.class);
        Map<KernelFamily, Double> calls = new EnumMap<>(KernelFamily.class);
        if (settings.profileSteps() > 0) {
            shares(steps, evalSeconds, s, settings, shares, calls);
        }
        RunRecord run = settings.toThreshold()
                ? OnlineProtocol.run(s, learnerProvider, taskProvider, backend, ProgressListener.NONE) : null;
        return new BenchResult(s.learner(), s.learnerOptions(), s.task(), s.taskOptions(), positions,
                backend.name(), backend.threads(), s.batch(), parameterCount, settings, steps.timedNanos * 1e-9,
                steps.profiledNanos * 1e-9, evalSeconds, s.checkEvery(), s.testSize(), shares, calls, run);
    }

    /**
     * Fills in the shares (percent of a protocol run) and calls per step from the profile. A check costs the
     * evaluation scaled to the test size; check-every unprofiled steps come between checks.
     */
    private static void shares(Steps steps, double evalSeconds, RunSpec s, BenchSettings settings,
                               Map<KernelFamily, Double> shares, Map<KernelFamily, Double> calls) {
        double checkSeconds = evalSeconds * s.testSize() / BenchSettings.EVAL_PROMPTS;
        double stepSeconds = steps.timedNanos * 1e-9 / settings.steps();
        double evalShare = checkSeconds / (checkSeconds + s.checkEvery() * stepSeconds);
        long inKernels = 0;
        for (KernelFamily f : KernelFamily.values()) {
            inKernels += steps.timed.nanos(f);
        }
        long host = Math.max(0, steps.profiledNanos - inKernels);
        double profiled = inKernels + host;
        for (KernelFamily f : KernelFamily.values()) {
            double nanos = f == KernelFamily.HOST ? host : steps.timed.nanos(f);
            if (f == KernelFamily.EVALUATION) {
                shares.put(f, 100 * evalShare);
            } else {
                shares.put(f, profiled == 0 ? 0.0 : 100 * (1 - evalShare) * nanos / profiled);
            }
            if (f != KernelFamily.HOST && f != KernelFamily.EVALUATION) {
                calls.put(f, (double) steps.timed.calls(f) / settings.profileSteps());
            }
        }
    }

    /**
     * Wall seconds of one evaluation of the test prompts (as the protocol evaluates: no tape, the loss read back
     * on the host), after one untimed evaluation so that its shapes are warm too.
     */
    private static double evaluationSeconds(TrainingSession session) {
        List<Batch> test = session.testSet(BenchSettings.EVAL_PROMPTS);
        session.testMse(test);
        session.backend().synchronize();
        long start = System.nanoTime();
        session.testMse(test);
        session.backend().synchronize();
        return (System.nanoTime() - start) * 1e-9;
    }

    /** The session's steps under measurement, timed with and without the profile. */
    private static final class Steps {
        private final TrainingSession session;
        private final TimedBackend timed;
        private long timedNanos;
        private long profiledNanos;

        Steps(TrainingSession session, TimedBackend timed) {
            this.session = session;
            this.timed = timed;
        }

        void timeUnprofiled(int count) {
            timed.synchronize();
            long start = System.nanoTime();
            session.steps(count);
            timedNanos = System.nanoTime() - start;
        }

        void timeProfiled(int count) {
            if (count == 0) {
                return;
            }
            timed.resetProfile();
            timed.profiling(true);
            long start = System.nanoTime();
            session.steps(count);
            profiledNanos = System.nanoTime() - start;
            timed.profiling(false);
        }
    }
}

package org.samplex.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.samplex.api.Backend;
import org.samplex.api.BackendOptions;
import org.samplex.api.Services;
import org.samplex.api.config.Config;
import org.samplex.api.learn.LearnerProvider;
import org.samplex.api.learn.Task;
import org.samplex.api.learn.TaskProvider;
import org.samplex.api.tape.Tensor;
import org.samplex.experiment.RunRecord.CurvePoint;
import org.samplex.experiment.RunRecord.Status;

/**
 * The paper's online protocol (docs/qstr.md section 4): every step draws a fresh batch from the training stream and
 * takes one AdamW step on the squared error; every k steps the test MSE on a fixed test set is recorded and the
 * first crossing of each threshold of the ladder noted as n* = prompts seen (with {@code confirm-checks} K, the
 * first check of the first K checks in a row below it).
 *
 * <p>Step s (from 0) trains on prompts [s B, (s + 1) B) of {@code RngStream.of(seed, "train")}; with a fixed
 * training set of n prompts ({@link RunSpec#trainSet}, the fixed-n protocol) item i of step s's batch is prompt
 * (s B + i) mod n instead, so the same n prompts are reused epoch after epoch, or, shuffled, the prompt that
 * epoch's permutation puts there ({@link TrainBatches}, {@link FixedSetOrder}). A fixed-n run with
 * {@code epochs} or {@code stop-loss} trains until that rule stops it ({@link EpochRule}), not until the ladder is
 * crossed, and is checked at its last step. The test set is
 * prompts [0, testSize) of {@code RngStream.of(seed, "test")}, built once. Checks happen only at multiples of k,
 * and the run takes at most the largest multiple of k not above floor(cap / B) steps, so prompts seen never
 * exceed the cap. The run stops when every threshold is crossed (completed), at that last step (censored), or at
 * the first check whose training loss or test MSE is NaN or infinite (diverged); none of these throws. When the
 * spec asks to {@code inspect}, the trained learner's explanation of itself on test prompt 0
 * ({@link TrainingSession#inspect}) becomes the record's artifacts.
 *
 * <p>Steps, evaluation and the replay of a captured step are a {@link TrainingSession}'s: this class adds the
 * schedule (checks every k steps, the ladder, the cap, the fixed-n rule), the curve, the timings and the record.
 *
 * <p>Ownership: the run's session (the learner's parameters and its arenas) is created and closed by the run,
 * also when it fails; {@link #run(RunSpec, Services, ProgressListener)} also opens
 * and closes the backend, while the overload that takes a {@link Backend} leaves it to its caller.
 */
public final class OnlineProtocol {

    /** Prompts per test-set chunk at N <= 16 (as the authors' code); prompts are indexed, so the prompts do not
     * depend on the chunking. */
    static final int TEST_CHUNK = 1000;

    /**
     * Tokens per evaluation chunk beyond which chunks shrink: evaluation keeps a chunk's activations in the step
     * arena, and a bidirectional GRU with hidden 500 at N = 64 needs several GiB for 1,000 prompts.
     */
    static final int TEST_CHUNK_TOKENS = 16_384;

    /** Prompts per test-set chunk for sequences of {@code positions} tokens: 1,000 up to N = 16, fewer beyond. */
    static int testChunk(int positions) {
        return Math.max(1, Math.min(TEST_CHUNK, TEST_CHUNK_TOKENS / positions));
    }

    private OnlineProtocol() {
    }

    /**
     * The spec with learner and task options checked against their schemas and their defaults filled in, and
     * check-every set (the task's default when the spec has none). Nothing is allocated on a backend.
     *
     * @throws IllegalArgumentException for an unknown learner or task (listing the available ones), an unknown
     *                                  option (listing the known ones), a bad value (with the accepted values),
     *                                  or a check interval the cap never reaches
     */
    public static RunSpec resolve(RunSpec spec, Services services) {
        // The learner's name and options are checked before the task is looked up, so that a mistake in
        // either is reported on its own.
        LearnerProvider learner = services.learner(spec.learner());
        learner.schema().validate(spec.learnerOptions());
        return resolve(spec, learner, services.task(spec.task()));
    }

    /** {@link #resolve(RunSpec, Services)} with the providers given. */
    public static RunSpec resolve(RunSpec spec, LearnerProvider learner, TaskProvider task) {
        if (!spec.learner().equals(learner.name()) || !spec.task().equals(task.name())) {
            throw new IllegalArgumentException("the spec names learner '" + spec.learner() + "' and task '"
                    + spec.task() + "' but the providers are '" + learner.name() + "' and '" + task.name() + "'");
        }
        Config learnerConfig = learner.schema().validate(spec.learnerOptions());
        Map<String, Object> taskOptions = new LinkedHashMap<>(spec.taskOptions());
        if (spec.convention() != null) {
            Convention.of(spec.convention()).taskOptionDefaults().forEach((k, v) -> {
                if (task.schema().parameters().stream().anyMatch(p -> p.name().equals(k))) {
                    taskOptions.putIfAbsent(k, v);
                }
            });
        }
        Config taskConfig = task.schema().validate(taskOptions);
        Task configured = task.create(taskConfig, spec.taskSeed());
        RunSpecChecks.belowLabelVariance(spec.thresholds(), configured.labelVariance(), task.name());
        int checkEvery = spec.checkEvery() != null ? spec.checkEvery() : configured.defaultCheckEvery();
        if (checkEvery > spec.maxSteps()) {
            throw new IllegalArgumentException("option 'check-every' must be at most " + spec.maxSteps()
                    + " (the steps that cap " + spec.cap() + " allows with batch " + spec.batch() + "), got "
                    + checkEvery);
        }
        return spec.toBuilder().learnerOptions(learnerConfig.values()).taskOptions(taskConfig.values())
                .checkEvery(checkEvery).build();
    }

    /**
     * Runs the spec: resolves it (so bad options fail before anything is opened), chooses and opens the backend
     * ("auto" picks the best available one and the listener hears why), runs, and closes everything.
     *
     * @throws IllegalArgumentException                      for bad options, as {@link #resolve}
     * @throws org.samplex.api.BackendUnavailableException when the backend cannot run here
     */
    public static RunRecord run(RunSpec spec, Services services, ProgressListener listener) {
        RunSpec resolved = resolve(spec, services);
        LearnerProvider learner = services.learner(spec.learner());
        TaskProvider task = services.task(spec.task());
        Services.BackendChoice choice = services.chooseBackend(spec.backend());
        listener.backendChosen(choice.explanation());
        try (Backend backend = choice.provider().open(new BackendOptions(spec.threads(), Map.of()))) {
            return run(resolved, learner, task, backend, listener);
        }
    }

    /**
     * Runs the spec on a backend the caller opened and still owns, in a {@link TrainingSession}; every buffer the
     * run allocates is closed before this returns or throws. The spec's backend name is not consulted.
     */
    public static RunRecord run(RunSpec spec, LearnerProvider learnerProvider, TaskProvider taskProvider,
                                Backend backend, ProgressListener listener) {
        try (TrainingSession session = TrainingSession.open(spec, learnerProvider, taskProvider, backend)) {
            RunSpec s = session.spec();
            Loop loop = new Loop(session, listener);
            loop.run();
            Map<String, double[][]> artifacts = s.inspect() ? session.inspect() : Map.of();
            Map<String, Object> provenance = provenance(s, session.task(), learnerProvider, taskProvider, backend);
            return new RunRecord(s, loop.ladder.status(), loop.ladder.crossings(), loop.ladder.curve(), session.steps(),
                    session.promptsSeen(), loop.trainNanos * 1e-9, loop.evalNanos * 1e-9, backend.name(),
                    backend.threads(), session.learner().parameters().count(), provenance, artifacts,
                    session.task().shape());
        }
    }

    /** The protocol's loop over a session's steps: checks, thresholds, stopping, timing; one instance per run. */
    private static final class Loop {
        private final TrainingSession session;
        private final RunSpec spec;
        private final ProgressListener listener;
        private final Ladder ladder;
        private long trainNanos;
        private long evalNanos;

        Loop(TrainingSession session, ProgressListener listener) {
            this.session = session;
            this.spec = session.spec();
            this.listener = listener;
            this.ladder = new Ladder(spec);
        }

        /** Trains to the end of the run: the ladder crossed, the cap, divergence, or the fixed-n rule. */
        void run() {
            Backend backend = session.backend();
            long mark = System.nanoTime();
            session.testSet();
            backend.synchronize();
            long now = System.nanoTime();
            evalNanos += now - mark;
            mark = now;

            EpochRule rule = spec.trainSet() != null ? new EpochRule(spec) : null;
            int every = spec.checkEvery();
            long lastStep = spec.trainsToRule() ? Math.min(spec.maxSteps(), EpochRule.lastStep(spec))
                    : spec.maxSteps() - spec.maxSteps() % every;
            while (session.steps() < lastStep) {
                long stepIndex = session.steps();
                Tensor loss = session.step();
                // the loss rule reads every step's loss; a check reads it once more only when the rule did not
                boolean watched = rule != null && rule.watchesLoss();
                double stepLoss = watched ? session.value(loss) : Double.NaN;
                boolean stop = watched && rule.afterStep(stepIndex, stepLoss);
                long step = session.steps();
                // A run that trains to its rule is checked at its last step too, wherever that falls.
                boolean last = stop || (spec.trainsToRule() && step == lastStep);
                if (step % every != 0 && !last) {
                    continue;
                }
                double trainLoss = watched ? stepLoss : session.value(loss);
                long checkStart = System.nanoTime();
                trainNanos += checkStart - mark;
                double testMse = session.testMse();
                mark = System.nanoTime();
                evalNanos += mark - checkStart;
                if (check(new CurvePoint(step, step * spec.batch(), testMse, trainLoss)) || stop) {
                    break;
                }
            }
            backend.synchronize();
            trainNanos += System.nanoTime() - mark;
        }

        /** Records a check and tells the listener; true when the run is over ({@link Ladder#check}). */
        private boolean check(CurvePoint p) {
            listener.checked(p, (trainNanos + evalNanos) * 1e-9);
            return ladder.check(p);
        }
    }

    /** What a record says of where it came from: versions, environment, modules, code identity, seeds, task. */
    static Map<String, Object> provenance(RunSpec spec, Task task, LearnerProvider learner,
                                                  TaskProvider taskProvider, Backend backend) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("samplex", Versions.of(OnlineProtocol.class));
        p.put("environment", Environment.current().facts());
        p.put("learner_module", module(learner.getClass()));
        p.put("task_module", module(taskProvider.getClass()));
        p.put("backend_module", module(backend.getClass()));
        p.put("backend_dtype", backend.dtype().name());
        p.put("code", CodeIdentity.of(learner.getClass(), taskProvider.getClass(), backend.getClass()).toMap());
        Map<String, Object> seeds = new LinkedHashMap<>();
        seeds.put("task_seed", spec.taskSeed());
        seeds.put("seed", spec.seed());
        seeds.put("streams", "train: RngStream.of(seed, \"train\"), test: RngStream.of(seed, \"test\"), "
                + "init: the learner's \"init\" stream of seed, task: its own streams of task_seed");
        p.put("seeds", seeds);
        p.put("task", task.describe());
        return p;
    }

    private static String module(Class<?> c) {
        Module m = c.getModule();
        return (m.isNamed() ? m.getName() : "(class path) " + c.getName()) + " " + Versions.of(c);
    }
}

package org.samplex.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.samplex.api.Backend;
import org.samplex.api.BackendOptions;
import org.samplex.api.Services;
import org.samplex.api.config.Config;
import org.samplex.api.learn.AdamW;
import org.samplex.api.learn.Batch;
import org.samplex.api.learn.Learner;
import org.samplex.api.learn.LearnerProvider;
import org.samplex.api.learn.Task;
import org.samplex.api.learn.TaskProvider;
import org.samplex.api.rng.RngStream;
import org.samplex.api.tape.Arena;
import org.samplex.api.tape.Ops;
import org.samplex.api.tape.Tape;
import org.samplex.api.tape.Tensor;
import org.samplex.experiment.RunRecord.CurvePoint;
import org.samplex.experiment.RunRecord.Status;

/**
 * The paper's online protocol (docs/qstr.md section 4): every step draws a fresh batch from the training stream and
 * takes one AdamW step on the squared error; every k steps the test MSE on a fixed test set is recorded and the
 * first crossing of each threshold of the ladder noted as n* = prompts seen.
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
 * spec asks to {@code inspect}, the trained learner's {@link Learner#inspect} on test prompt 0 becomes the record's
 * artifacts.
 *
 * <p>A {@link Learner#replayable} learner's first step is captured ({@link #captureStep}) and every later step
 * replays it ({@link #replayStep}) after {@link Task#refill} wrote the step's prompts into the captured batch:
 * the same backend calls as running forward again, so the record is bit-identical to the one of a learner that
 * is not replayable, and with an allocation-free task and backend a replayed step allocates nothing. Evaluation
 * then runs on an arena of its own, so that the captured step's arena is never reset.
 *
 * <p>Ownership: the learner's parameters, the test set's arena, the step arena and the evaluation arena are
 * created and closed by the run, also when it fails; {@link #run(RunSpec, Services, ProgressListener)} also opens
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
     * Prompts [0, size) of the "test" stream of {@code seed}, in chunks of {@link #testChunk} prompts, generated
     * into {@code arena}, which holds them for as long as the caller keeps it.
     */
    public static List<Batch> testSet(Task task, Backend backend, Arena arena, long seed, int size) {
        RngStream test = RngStream.of(seed, "test");
        int chunk = testChunk(task.shape().positions());
        List<Batch> chunks = new ArrayList<>();
        for (long first = 0; first < size; first += chunk) {
            int count = (int) Math.min(chunk, size - first);
            chunks.add(task.batch(backend, arena, Task.Split.TEST, test, first, count));
        }
        return chunks;
    }

    /**
     * The mean squared error over every prompt and position of {@code testSet}, with gradients off; chunk sums
     * are added in double. Resets the tape before each chunk and after the last.
     */
    public static double testMse(Tape tape, Learner learner, List<Batch> testSet) {
        double sumSquares = 0;
        long count = 0;
        for (Batch b : testSet) {
            tape.reset();
            tape.gradEnabled(false);
            Tensor pred = learner.forward(tape, b.input()); // (chunk, N)
            sumSquares += scalar(tape.backend(), Ops.mse(tape, pred, b.labels())) * pred.size();
            count += pred.size();
        }
        tape.reset();
        return sumSquares / count;
    }

    /**
     * One online step on a batch already drawn into the tape's arena: forward, mse, zeroed gradients, backward,
     * one AdamW update. Returns the loss (1), valid until the tape is next reset.
     */
    public static Tensor trainStep(Tape tape, Learner learner, Batch batch, AdamW optimizer) {
        Tensor pred = learner.forward(tape, batch.input()); // (B, N)
        Tensor loss = Ops.mse(tape, pred, batch.labels());
        learner.parameters().zeroGrad();
        tape.backward(loss);
        optimizer.step(learner.parameters());
        return loss;
    }

    /**
     * {@link #trainStep}, captured: the same step with the same result, recorded on a fresh tape (just reset) so
     * that {@link #replayStep} can run it again on new contents of {@code batch}'s buffers. The graph's loss is
     * this step's loss; the graph lives until the tape or its arena is reset. Only for a
     * {@link Learner#replayable} learner.
     */
    public static Tape.Graph captureStep(Tape tape, Learner learner, Batch batch, AdamW optimizer) {
        tape.beginCapture();
        Tensor pred = learner.forward(tape, batch.input()); // (B, N)
        Tensor loss = Ops.mse(tape, pred, batch.labels());
        learner.parameters().zeroGrad();
        Tape.Graph graph = tape.endCapture(loss); // runs the backward
        optimizer.step(learner.parameters());
        return graph;
    }

    /**
     * One online step replayed: zeroed parameter gradients, the captured forward, mse and backward on the current
     * contents of the captured batch, one AdamW update. The same bits as {@link #trainStep} on that batch; the
     * loss is in {@code graph.loss()}. Allocates nothing beyond what the backend's kernels do.
     */
    public static void replayStep(Tape.Graph graph, Learner learner, AdamW optimizer) {
        learner.parameters().zeroGrad();
        graph.replay();
        optimizer.step(learner.parameters());
    }

    /** The value of a one-element tensor, copied to the host. */
    static double scalar(Backend backend, Tensor t) {
        double[] host = new double[1];
        backend.copyToHost(t.value(), host);
        return host[0];
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
     * Runs the spec on a backend the caller opened and still owns; every buffer the run allocates is closed
     * before this returns or throws. The spec's backend name is not consulted.
     */
    public static RunRecord run(RunSpec spec, LearnerProvider learnerProvider, TaskProvider taskProvider,
                                Backend backend, ProgressListener listener) {
        RunSpec s = resolve(spec, learnerProvider, taskProvider);
        Task task = taskProvider.create(taskProvider.schema().validate(s.taskOptions()), s.taskSeed());
        Config learnerConfig = learnerProvider.schema().validate(s.learnerOptions());
        MemoryEstimate.of(s, task, learnerProvider, learnerConfig, backend.dtype()).check(s, backend);
        try (Learner learner = learnerProvider.create(task.shape(), learnerConfig, backend, s.seed());
             Arena testArena = new Arena(backend);
             Arena stepArena = new Arena(backend);
             Arena evalArena = new Arena(backend)) {
            Loop loop = new Loop(s, task, learner, backend, listener);
            loop.run(testArena, stepArena, evalArena);
            Map<String, double[][]> artifacts = s.inspect() ? inspect(s, task, learner, stepArena) : Map.of();
            Map<String, Object> provenance = provenance(s, task, learnerProvider, taskProvider, backend);
            return new RunRecord(s, loop.status, loop.crossings(), loop.curve, loop.step, loop.step * s.batch(),
                    loop.trainNanos * 1e-9, loop.evalNanos * 1e-9, backend.name(), backend.threads(),
                    learner.parameters().count(), provenance, artifacts);
        }
    }

    /** The learner's explanation of itself on test prompt 0 (the first prompt of the test set). */
    private static Map<String, double[][]> inspect(RunSpec spec, Task task, Learner learner, Arena arena) {
        arena.reset();
        Tape tape = new Tape(arena.backend(), arena);
        tape.gradEnabled(false);
        Batch first = task.batch(arena.backend(), arena, Task.Split.TEST, RngStream.of(spec.seed(), "test"), 0, 1);
        Map<String, double[][]> artifacts = learner.inspect(tape, first.input()); // input (1, N, D)
        tape.reset();
        return artifacts;
    }

    /** The training loop's state; one instance per run. */
    private static final class Loop {
        private final RunSpec spec;
        private final Task task;
        private final Learner learner;
        private final Backend backend;
        private final ProgressListener listener;
        private final List<Double> thresholds;
        private final Long[] nStar;
        private final List<CurvePoint> curve = new ArrayList<>();
        private int crossed;
        private Status status = Status.CENSORED;
        private long step;
        private long trainNanos;
        private long evalNanos;

        Loop(RunSpec spec, Task task, Learner learner, Backend backend, ProgressListener listener) {
            this.spec = spec;
            this.task = task;
            this.learner = learner;
            this.backend = backend;
            this.listener = listener;
            this.thresholds = spec.thresholds();
            this.nStar = new Long[thresholds.size()];
        }

        /**
         * Trains to the end of the run. The step tape works in {@code stepArena}; evaluation shares it when steps
         * run afresh, and has {@code evalArena} when they are replayed (the captured arena is never reset).
         */
        void run(Arena testArena, Arena stepArena, Arena evalArena) {
            long mark = System.nanoTime();
            List<Batch> testSet = testSet(task, backend, testArena, spec.seed(), spec.testSize());
            backend.synchronize();
            long now = System.nanoTime();
            evalNanos += now - mark;
            mark = now;

            Tape tape = new Tape(backend, stepArena);
            boolean replay = learner.replayable();
            Tape evalTape = replay ? new Tape(backend, evalArena) : tape;
            AdamW optimizer = new AdamW(spec.adamW());
            TrainBatches batches = new TrainBatches(spec, task, backend);
            EpochRule rule = spec.trainSet() != null ? new EpochRule(spec) : null;
            int every = spec.checkEvery();
            long lastStep = spec.trainsToRule() ? Math.min(spec.maxSteps(), EpochRule.lastStep(spec))
                    : spec.maxSteps() - spec.maxSteps() % every;
            Batch b = null;
            Tape.Graph graph = null;
            while (step < lastStep) {
                Tensor loss;
                if (graph != null) {
                    batches.refill(b, step);
                    replayStep(graph, learner, optimizer);
                    loss = graph.loss();
                } else {
                    tape.reset();
                    b = batches.draw(stepArena, step);
                    if (replay) {
                        graph = captureStep(tape, learner, b, optimizer);
                        loss = graph.loss();
                    } else {
                        loss = trainStep(tape, learner, b, optimizer);
                    }
                }
                // the loss rule reads every step's loss; a check reads it once more only when the rule did not
                boolean watched = rule != null && rule.watchesLoss();
                double stepLoss = watched ? scalar(backend, loss) : Double.NaN;
                boolean stop = watched && rule.afterStep(step, stepLoss);
                step++;
                // A run that trains to its rule is checked at its last step too, wherever that falls.
                boolean last = stop || (spec.trainsToRule() && step == lastStep);
                if (step % every != 0 && !last) {
                    continue;
                }
                double trainLoss = watched ? stepLoss : scalar(backend, loss);
                long checkStart = System.nanoTime();
                trainNanos += checkStart - mark;
                double testMse = testMse(evalTape, learner, testSet);
                mark = System.nanoTime();
                evalNanos += mark - checkStart;
                if (check(new CurvePoint(step, step * spec.batch(), testMse, trainLoss)) || stop) {
                    break;
                }
            }
            backend.synchronize();
            trainNanos += System.nanoTime() - mark;
        }

        /** Records a check; true when the run is over (diverged, or every threshold crossed). */
        private boolean check(CurvePoint p) {
            curve.add(p);
            listener.checked(p, (trainNanos + evalNanos) * 1e-9);
            if (!Double.isFinite(p.trainLoss()) || !Double.isFinite(p.testMse())) {
                status = Status.DIVERGED;
                return true;
            }
            // The ladder is descending, so the thresholds crossed so far are always a prefix of it.
            while (crossed < thresholds.size() && p.testMse() < thresholds.get(crossed)) {
                nStar[crossed++] = p.promptsSeen();
            }
            if (crossed == thresholds.size()) {
                status = Status.COMPLETED;
                return !spec.trainsToRule();
            }
            return false;
        }



        List<RunRecord.Crossing> crossings() {
            List<RunRecord.Crossing> out = new ArrayList<>();
            for (int i = 0; i < thresholds.size(); i++) {
                out.add(new RunRecord.Crossing(thresholds.get(i), nStar[i]));
            }
            return out;
        }
    }

    private static Map<String, Object> provenance(RunSpec spec, Task task, LearnerProvider learner,
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

package org.samplex.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.samplex.api.Backend;
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

/**
 * One run's training state on one backend: the task, the learner, its AdamW optimizer, the arenas and tapes, the
 * captured step, and the count of steps taken. Every training loop of samplex drives one: the online and fixed-n
 * protocols ({@link OnlineProtocol}), {@code samplex bench}, the JMH training-step benchmark and the step
 * allocation test, so there is one definition of a step.
 *
 * <p>A step ({@link #step}): step s (from 0) trains on the prompts {@link TrainBatches} gives step s (online,
 * prompts [s B, (s + 1) B) of {@code RngStream.of(seed, "train")}; with a fixed training set, its order): forward,
 * mse, zeroed gradients, backward, one AdamW update. A {@link Learner#replayable} learner's step 0 is captured
 * ({@link Tape#beginCapture}) and every later step writes its prompts into the captured batch
 * ({@link Task#refill}) and replays the graph: the same backend calls as running forward again, so the same bits,
 * and with an allocation-free task and backend a replayed step allocates nothing. Any other learner draws a
 * fresh batch into the reset step arena each step.
 *
 * <p>Evaluation ({@link #testMse}) runs without gradients on an arena of its own when steps are replayed (the
 * captured arena is never reset), else on the step arena. The test set of a run is prompts [0, testSize) of
 * {@code RngStream.of(seed, "test")}, built once on first use in the test arena.
 *
 * <p>Ownership: {@link #open} creates the learner's parameters and three arenas, and {@link #close} closes them
 * all (also when opening fails half-way); the backend stays its caller's.
 */
public final class TrainingSession implements AutoCloseable {

    /**
     * Hears where a step's host-side data work begins and ends ({@code samplex bench} times it as its own
     * family). Called around every draw and refill of training prompts.
     */
    public interface Metering {
        /** Hears nothing. */
        Metering NONE = new Metering() {
        };

        /** Before the step's prompts are drawn or written. */
        default void dataBegin() {
        }

        /** After they are. */
        default void dataEnd() {
        }
    }

    /**
     * A spec made ready to run: resolved ({@link OnlineProtocol#resolve}), its task created and its learner's
     * options validated. Creating the learner is left to the caller, who chooses the backend.
     */
    public record Setup(RunSpec spec, Task task, Config learnerConfig) {

        /** Creates this setup's learner on {@code backend}; the caller closes it. */
        public Learner createLearner(LearnerProvider provider, Backend backend) {
            return provider.create(task.shape(), learnerConfig, backend, spec.seed());
        }
    }

    private final RunSpec spec;
    private final Task task;
    private final Learner learner;
    private final Backend backend;
    private final Metering metering;
    private final Arena testArena;
    private final Arena stepArena;
    private final Arena evalArena;
    private final Tape tape;
    private final Tape evalTape;
    private final AdamW optimizer;
    private final TrainBatches batches;
    /** The batch the captured step reads, refilled before each replay; null before step 0 and when not replaying. */
    private Batch batch;
    /** The captured step of a replayable learner; null before step 0 and for other learners. */
    private Tape.Graph graph;
    private List<Batch> testSet;
    private long steps;

    private TrainingSession(Setup setup, Learner learner, Backend backend, Metering metering, Arena testArena,
                            Arena stepArena, Arena evalArena) {
        this.spec = setup.spec();
        this.task = setup.task();
        this.learner = learner;
        this.backend = backend;
        this.metering = metering;
        this.testArena = testArena;
        this.stepArena = stepArena;
        this.evalArena = evalArena;
        this.tape = new Tape(backend, stepArena);
        this.evalTape = learner.replayable() ? new Tape(backend, evalArena) : tape;
        this.optimizer = new AdamW(spec.adamW());
        this.batches = new TrainBatches(spec, task, backend);
    }

    /**
     * Resolves the spec against its providers, creates its task and checks its learner's options. Nothing is
     * allocated on a backend.
     *
     * @throws IllegalArgumentException for bad options, as {@link OnlineProtocol#resolve}
     */
    public static Setup setUp(RunSpec spec, LearnerProvider learnerProvider, TaskProvider taskProvider) {
        RunSpec s = OnlineProtocol.resolve(spec, learnerProvider, taskProvider);
        Task task = taskProvider.create(taskProvider.schema().validate(s.taskOptions()), s.taskSeed());
        return new Setup(s, task, learnerProvider.schema().validate(s.learnerOptions()));
    }

    /**
     * A session for the spec on a backend the caller opened and still owns: set up ({@link #setUp}), refused
     * when its memory estimate does not fit the backend ({@link MemoryEstimate}), the learner initialised.
     *
     * @throws IllegalArgumentException for bad options, as {@link OnlineProtocol#resolve}
     */
    public static TrainingSession open(RunSpec spec, LearnerProvider learnerProvider, TaskProvider taskProvider,
                                       Backend backend, Metering metering) {
        Setup setup = setUp(spec, learnerProvider, taskProvider);
        MemoryEstimate.of(setup.spec(), setup.task(), learnerProvider, setup.learnerConfig(), backend.dtype())
                .check(setup.spec(), backend);
        Learner learner = setup.createLearner(learnerProvider, backend);
        Arena test = null;
        Arena step = null;
        try {
            test = new Arena(backend);
            step = new Arena(backend);
            return new TrainingSession(setup, learner, backend, metering, test, step, new Arena(backend));
        } catch (RuntimeException | Error e) {
            for (AutoCloseable c : new AutoCloseable[]{step, test, learner}) {
                Closing.quietly(c, e);
            }
            throw e;
        }
    }

    /** {@link #open(RunSpec, LearnerProvider, TaskProvider, Backend, Metering)} without metering. */
    public static TrainingSession open(RunSpec spec, LearnerProvider learnerProvider, TaskProvider taskProvider,
                                       Backend backend) {
        return open(spec, learnerProvider, taskProvider, backend, Metering.NONE);
    }

    /** The resolved spec. */
    public RunSpec spec() {
        return spec;
    }

    public Task task() {
        return task;
    }

    public Learner learner() {
        return learner;
    }

    public Backend backend() {
        return backend;
    }

    /** Steps taken so far. */
    public long steps() {
        return steps;
    }

    /** Training prompts seen so far: steps times the batch size. */
    public long promptsSeen() {
        return steps * spec.batch();
    }

    /**
     * Takes the next training step (captured, replayed or afresh, as the class comment says). Returns its loss
     * (1), valid until the next step; reading it ({@link #value}) synchronizes with the backend.
     */
    public Tensor step() {
        Tensor loss;
        if (graph != null) {
            metering.dataBegin();
            batches.refill(batch, steps);
            metering.dataEnd();
            learner.parameters().zeroGrad();
            graph.replay();                                     // forward, mse, backward on the refilled batch
            optimizer.step(learner.parameters());
            loss = graph.loss();
        } else {
            tape.reset();
            metering.dataBegin();
            Batch b = batches.draw(stepArena, steps);
            metering.dataEnd();
            if (learner.replayable()) {
                tape.beginCapture();
                Tensor pred = learner.forward(tape, b.input());  // (B, N)
                Tensor mse = Ops.mse(tape, pred, b.labels());    // (1)
                learner.parameters().zeroGrad();
                graph = tape.endCapture(mse);                   // runs the backward
                optimizer.step(learner.parameters());
                batch = b;
                loss = graph.loss();
            } else {
                Tensor pred = learner.forward(tape, b.input());  // (B, N)
                loss = Ops.mse(tape, pred, b.labels());          // (1)
                learner.parameters().zeroGrad();
                tape.backward(loss);
                optimizer.step(learner.parameters());
            }
        }
        steps++;
        return loss;
    }

    /** Takes {@code count} steps and waits for the backend to finish them. */
    public void steps(int count) {
        for (int i = 0; i < count; i++) {
            step();
        }
        backend.synchronize();
    }

    /** The run's test set: prompts [0, testSize) of the "test" stream, built on first use. */
    public List<Batch> testSet() {
        if (testSet == null) {
            testSet = testSet(spec.testSize());
        }
        return testSet;
    }

    /** Prompts [0, size) of the "test" stream, in chunks, kept in the test arena until the session closes. */
    public List<Batch> testSet(int size) {
        RngStream test = RngStream.of(spec.seed(), "test");
        int chunk = OnlineProtocol.testChunk(task.shape().positions());
        List<Batch> chunks = new ArrayList<>();
        for (long first = 0; first < size; first += chunk) {
            int count = (int) Math.min(chunk, size - first);
            chunks.add(task.batch(backend, testArena, Task.Split.TEST, test, first, count));
        }
        return chunks;
    }

    /** The learner's test MSE on the run's test set ({@link #testSet()}). */
    public double testMse() {
        return testMse(testSet());
    }

    /**
     * The mean squared error over every prompt and position of {@code prompts}, with gradients off; chunk sums
     * are added in double. Resets the evaluation tape before each chunk and after the last.
     */
    public double testMse(List<Batch> prompts) {
        double sumSquares = 0;
        long count = 0;
        for (Batch b : prompts) {
            evalTape.reset();
            evalTape.gradEnabled(false);
            Tensor pred = learner.forward(evalTape, b.input());                             // (chunk, N)
            sumSquares += value(Ops.mse(evalTape, pred, b.labels())) * pred.size();       // (1)
            count += pred.size();
        }
        evalTape.reset();
        return sumSquares / count;
    }

    /** The value of a one-element tensor, copied to the host. */
    public double value(Tensor scalar) {
        double[] host = new double[1];
        backend.copyToHost(scalar.value(), host);
        return host[0];
    }

    /**
     * The learner's explanation of itself on test prompt 0 ({@link Learner#inspect}). Ends training: it resets
     * the step arena, so a captured step is gone.
     */
    public Map<String, double[][]> inspect() {
        graph = null;
        batch = null;
        stepArena.reset();
        Tape t = new Tape(backend, stepArena);
        t.gradEnabled(false);
        Batch first = task.batch(backend, stepArena, Task.Split.TEST, RngStream.of(spec.seed(), "test"), 0, 1);
        Map<String, double[][]> artifacts = learner.inspect(t, first.input()); // input (1, N, D)
        t.reset();
        return artifacts;
    }

    /** Closes the arenas and the learner's parameters (not the backend). */
    @Override
    public void close() {
        Closing.all(evalArena, stepArena, testArena, learner);
    }
}

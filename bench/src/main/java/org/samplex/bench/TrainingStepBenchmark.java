package org.samplex.bench;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
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
import org.samplex.api.tape.Tape;
import org.samplex.api.tape.Tensor;
import org.samplex.experiment.OnlineProtocol;
import org.samplex.experiment.RunSpec;

/**
 * One training step of the online protocol per learner, through the public API exactly as
 * {@link OnlineProtocol} (and {@code samplex bench}) runs it: the learner and the {@code qstr} task found by
 * service discovery, the paper's defaults (general 1STR, d = 10, q = 1, batch 64, AdamW lr 1e-3, weight decay 0.1,
 * the learner's default widths), seed 0. A {@link Learner#replayable} learner's first step is captured in the
 * setup; each measured {@link #step} writes the next batch's prompts into the captured batch
 * ({@link Task#refill}) and replays it ({@link OnlineProtocol#replayStep}); another learner runs
 * {@link OnlineProtocol#trainStep} on a fresh batch. {@link #evaluate} is one test chunk of 1,000 prompts as a
 * check evaluates it ({@link OnlineProtocol#testMse}: forward only, no gradients); a check at the paper's test
 * size 5,000 costs five of them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class TrainingStepBenchmark {

    /** Prompts in the timed evaluation (one chunk of the protocol's test set). */
    static final int EVAL_PROMPTS = 1000;

    /** The learner: transformer, mlp or gru (or any other one discovered). */
    @Param({"transformer", "mlp", "gru"})
    public String learner;

    /** Sequence length N. */
    @Param({"8"})
    public int positions;

    /** The backend. */
    @Param({"cpu"})
    public String backend;

    /** Worker threads of the backend. */
    @Param({"2"})
    public int threads;

    private RunSpec spec;
    private Backend be;
    private Task task;
    private Learner model;
    private Arena stepArena;
    private Arena testArena;
    private Arena evalArena;
    private Tape tape;
    private Tape evalTape;
    private AdamW optimizer;
    private RngStream train;
    private List<Batch> test;
    /** The batch the captured step reads, refilled before each replay. */
    private Batch batch;
    /** The captured step of a replayable learner; null for others. */
    private Tape.Graph graph;
    private long step;

    @Setup(Level.Trial)
    public void setUp() {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        Services services = Services.discover();
        spec = OnlineProtocol.resolve(RunSpec.builder(learner, "qstr").taskOption("N", positions).thresholds(0.7)
                .backend(backend).threads(threads).build(), services);
        LearnerProvider learnerProvider = services.learner(spec.learner());
        TaskProvider taskProvider = services.task(spec.task());
        be = services.backend(spec.backend()).open(new BackendOptions(spec.threads(), Map.of()));
        task = taskProvider.create(taskProvider.schema().validate(spec.taskOptions()), spec.taskSeed());
        Config learnerConfig = learnerProvider.schema().validate(spec.learnerOptions());
        model = learnerProvider.create(task.shape(), learnerConfig, be, spec.seed());
        stepArena = new Arena(be);
        testArena = new Arena(be);
        evalArena = new Arena(be);
        tape = new Tape(be, stepArena);
        evalTape = new Tape(be, evalArena);
        optimizer = new AdamW(spec.adamW());
        train = RngStream.of(spec.seed(), "train");
        test = OnlineProtocol.testSet(task, be, testArena, spec.seed(), EVAL_PROMPTS);
        if (model.replayable()) {
            batch = task.batch(be, stepArena, Task.Split.TRAIN, train, 0, spec.batch());
            graph = OnlineProtocol.captureStep(tape, model, batch, optimizer);
            step = 1;
        }
        be.synchronize();
    }

    @Benchmark
    public Tensor step() {
        Tensor loss;
        if (graph != null) {
            task.refill(be, batch, Task.Split.TRAIN, train, step * spec.batch());
            OnlineProtocol.replayStep(graph, model, optimizer);
            loss = graph.loss();
        } else {
            tape.reset();
            Batch b = task.batch(be, stepArena, Task.Split.TRAIN, train, step * spec.batch(), spec.batch());
            loss = OnlineProtocol.trainStep(tape, model, b, optimizer);
        }
        step++;
        be.synchronize();
        return loss;
    }

    @Benchmark
    public double evaluate() {
        return OnlineProtocol.testMse(evalTape, model, test);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        evalArena.close();
        testArena.close();
        stepArena.close();
        model.close();
        be.close();
    }
}

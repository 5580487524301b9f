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
import org.samplex.api.learn.Batch;
import org.samplex.api.tape.Tensor;
import org.samplex.experiment.RunSpec;
import org.samplex.experiment.TrainingSession;

/**
 * One training step of the online protocol per learner, through the public API exactly as
 * {@link org.samplex.experiment.OnlineProtocol} (and {@code samplex bench}) runs it: the learner and the {@code qstr} task found by
 * service discovery, the paper's defaults (general 1STR, d = 10, q = 1, batch 64, AdamW lr 1e-3, weight decay 0.1,
 * the learner's default widths), seed 0, in a {@link TrainingSession}, the protocol's own steps. A replayable
 * learner's first step (its capture) is taken in the setup, so each measured {@link #step} writes the next
 * batch's prompts into the captured batch and replays it; another learner runs a fresh step.
 * {@link #evaluate} is one test chunk of 1,000 prompts as a check evaluates it ({@link TrainingSession#testMse}:
 * forward only, no gradients); a check at the paper's test size 5,000 costs five of them.
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

    private Backend be;
    private TrainingSession session;
    private List<Batch> test;

    @Setup(Level.Trial)
    public void setUp() {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        Services services = Services.discover();
        RunSpec spec = RunSpec.builder(learner, "qstr").taskOption("N", positions).thresholds(0.7)
                .backend(backend).threads(threads).build();
        be = services.backend(spec.backend()).open(new BackendOptions(spec.threads(), Map.of()));
        session = TrainingSession.open(spec, services.learner(spec.learner()), services.task(spec.task()), be);
        test = session.testSet(EVAL_PROMPTS);
        session.step(); // a replayable learner's step 0 is its capture: measured steps replay
        be.synchronize();
    }

    @Benchmark
    public Tensor step() {
        Tensor loss = session.step();
        be.synchronize();
        return loss;
    }

    @Benchmark
    public double evaluate() {
        return session.testMse(test);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        session.close();
        be.close();
    }
}

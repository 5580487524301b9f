package org.samplex.bench;

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
import org.samplex.api.Buffer;

/**
 * The fused attention kernels ({@link Backend#attentionForward}, {@link Backend#attentionBackward}) at the
 * transformer's shapes: batch 64, N positions, one full-width head of width D = 10 + 2 floor(5 ln N) (30 at
 * N = 8, 34 at N = 12, 50 at N = 64), scale 1/sqrt(D), not causal. The backward reads the forward's output and
 * log-sum-exp, computed once in the setup, and adds into dQ, dK, dV as the tape's backward does.
 *
 * <p>{@link Suite} reports nominal GFLOP/s from the matrix products alone: 4 B N^2 D for the forward (scores and
 * weighted sum), 8 B N^2 D for the backward (dV, dP, dQ, dK); softmax and any recomputation are not counted.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class AttentionBenchmark {

    /** Prompts per batch (the paper's 64). */
    static final int BATCH = 64;

    /** The host backend. */
    @Param({"cpu"})
    public String backend;

    /** Worker threads of the backend. */
    @Param({"2"})
    public int threads;

    /** Sequence length N. */
    @Param({"8", "12", "64"})
    public int positions;

    private Backend be;
    private int width;
    private double scale;
    private Buffer q;
    private Buffer k;
    private Buffer v;
    private Buffer out;
    private Buffer lse;
    private Buffer dOut;
    private Buffer dQ;
    private Buffer dK;
    private Buffer dV;

    @Setup(Level.Trial)
    public void setUp() {
        be = Fixtures.open(backend, threads);
        width = GemmShape.tokenWidth(positions);
        scale = 1 / Math.sqrt(width);
        long size = (long) BATCH * positions * width;
        q = Fixtures.uniform(be, size, 1);
        k = Fixtures.uniform(be, size, 2);
        v = Fixtures.uniform(be, size, 3);
        dOut = Fixtures.uniform(be, size, 4);
        out = be.allocate(size);
        lse = be.allocate((long) BATCH * positions);
        dQ = be.allocate(size);
        dK = be.allocate(size);
        dV = be.allocate(size);
        for (Buffer g : new Buffer[] {dQ, dK, dV}) {
            be.fill(g, 0.0);
        }
        forward();
    }

    /** Nominal floating-point operations of one forward (4 B N^2 D) for GFLOP/s. */
    static double forwardFlops(int positions) {
        return 4.0 * BATCH * positions * positions * GemmShape.tokenWidth(positions);
    }

    @Benchmark
    public Buffer forward() {
        be.attentionForward(out, lse, q, k, v, BATCH, positions, 1, width, scale, false);
        be.synchronize();
        return out;
    }

    @Benchmark
    public Buffer backward() {
        be.attentionBackward(dQ, dK, dV, dOut, q, k, v, out, lse, BATCH, positions, 1, width, scale, false);
        be.synchronize();
        return dQ;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        be.close();
    }
}

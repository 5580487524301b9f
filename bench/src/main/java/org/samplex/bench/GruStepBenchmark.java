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
 * One GRU time step of one direction as the gru learner runs it after the first position (batch 64, hidden h):
 * forward = the recurrent product gh (B, 3h) = h (B, h) W_hh^T (NT) + b_hh, then {@link Backend#gruCellForward}
 * with the step's slice of the input projection gi (B, 3h); backward = {@link Backend#gruCellBackward}, b_hh's
 * gradient, dh += dgh W_hh (NN) and dW_hh += dgh^T h (TN), with dgi and dgh zeroed first as a fresh step's
 * gradients are. A training step at N positions makes 2 (N - 1) of each (two directions).
 *
 * <p>{@link Suite} reports GFLOP/s of the products alone: 2 B 3h h for the forward, twice that for the backward.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class GruStepBenchmark {

    /** Prompts per batch (the paper's 64). */
    static final int BATCH = 64;

    /** The host backend. */
    @Param({"cpu"})
    public String backend;

    /** Worker threads of the backend. */
    @Param({"2"})
    public int threads;

    /** Hidden width per direction (the paper's 500). */
    @Param({"500"})
    public int hidden;

    private Backend be;
    private int gateWidth;
    private Buffer h;
    private Buffer weight;
    private Buffer bias;
    private Buffer gi;
    private Buffer gh;
    private Buffer gates;
    private Buffer hNew;
    private Buffer dHNew;
    private Buffer dGi;
    private Buffer dGh;
    private Buffer dH;
    private Buffer dWeight;
    private Buffer dBias;

    @Setup(Level.Trial)
    public void setUp() {
        if (hidden < 1) {
            throw new IllegalArgumentException("hidden must be >= 1, got " + hidden);
        }
        be = Fixtures.open(backend, threads);
        gateWidth = 3 * hidden;
        h = Fixtures.uniform(be, (long) BATCH * hidden, 1);
        weight = Fixtures.uniform(be, (long) gateWidth * hidden, 2);
        bias = Fixtures.uniform(be, gateWidth, 3);
        gi = Fixtures.uniform(be, (long) BATCH * gateWidth, 4);
        dHNew = Fixtures.uniform(be, (long) BATCH * hidden, 5);
        gh = be.allocate((long) BATCH * gateWidth);
        gates = be.allocate((long) BATCH * gateWidth);
        hNew = be.allocate((long) BATCH * hidden);
        dGi = be.allocate((long) BATCH * gateWidth);
        dGh = be.allocate((long) BATCH * gateWidth);
        dH = be.allocate((long) BATCH * hidden);
        dWeight = be.allocate((long) gateWidth * hidden);
        dBias = be.allocate(gateWidth);
        for (Buffer g : new Buffer[] {dH, dWeight, dBias}) {
            be.fill(g, 0.0);
        }
        forward();
    }

    /** Floating-point operations of the forward's product, 2 B 3h h, for GFLOP/s (the backward has two). */
    static double forwardFlops(int hidden) {
        return 2.0 * BATCH * 3 * hidden * (double) hidden;
    }

    @Benchmark
    public Buffer forward() {
        be.gemm(false, true, BATCH, gateWidth, hidden, 1.0, h, weight, 0.0, gh);
        be.biasAddForward(gh, gh, bias, BATCH, gateWidth);
        be.gruCellForward(hNew, gates, gi, gh, h, BATCH, hidden);
        be.synchronize();
        return hNew;
    }

    @Benchmark
    public Buffer backward() {
        be.fill(dGi, 0.0);
        be.fill(dGh, 0.0);
        be.gruCellBackward(dGi, dGh, dH, dHNew, gates, gh, h, BATCH, hidden);
        be.biasAddBackward(null, dBias, dGh, BATCH, gateWidth);
        be.gemm(false, false, BATCH, hidden, gateWidth, 1.0, dGh, weight, 1.0, dH);
        be.gemm(true, false, gateWidth, hidden, BATCH, 1.0, dGh, h, 1.0, dWeight);
        be.synchronize();
        return dH;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        be.close();
    }
}

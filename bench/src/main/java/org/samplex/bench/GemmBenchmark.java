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
 * One sgemm C = op(A) op(B) (beta 0, tightly packed) per operation, at the squares and at the shapes one training
 * step of each learner makes ({@link GemmShape}: names, transposes, calls per step). GFLOP/s = 2 m n k / (seconds
 * per op) / 1e9; {@link Suite} prints it next to the mean time.
 *
 * <p>Run all of it through {@link Suite}, or one shape with plain JMH:
 * {@code java -cp 'bench/target/samplex-bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*' org.openjdk.jmh.Main
 * GemmBenchmark -p shape=square512 -p threads=2}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class GemmBenchmark {

    /** The host backend: {@code cpu}, or {@code reference} (float64 scalar, one thread) for a baseline. */
    @Param({"cpu"})
    public String backend;

    /** Worker threads of the backend. */
    @Param({"2"})
    public int threads;

    /** A {@link GemmShape} name. */
    @Param({"square256", "square512", "square1024",
            "tr8.qkv.fwd", "tr8.qkv.dx", "tr8.qkv.dw", "tr8.fc1.fwd", "tr8.fc1.dx", "tr8.fc1.dw",
            "tr8.fc2.fwd", "tr8.fc2.dx", "tr8.fc2.dw", "tr8.eval.qkv", "tr8.eval.fc1", "tr8.eval.fc2",
            "tr12.qkv.fwd", "tr12.qkv.dx", "tr12.qkv.dw", "tr12.fc1.fwd", "tr12.fc1.dx", "tr12.fc1.dw",
            "tr12.fc2.fwd", "tr12.fc2.dx", "tr12.fc2.dw", "tr12.eval.qkv", "tr12.eval.fc1", "tr12.eval.fc2",
            "mlp8.fc1.fwd", "mlp8.fc1.dw", "mlp8.fc2.fwd", "mlp8.fc2.dx", "mlp8.fc2.dw",
            "mlp8.fc3.fwd", "mlp8.fc3.dx", "mlp8.fc3.dw", "mlp8.eval.fc1", "mlp8.eval.fc2", "mlp8.eval.fc3",
            "gru8.ih.fwd", "gru8.ih.dw", "gru8.hh.fwd", "gru8.hh.dx", "gru8.hh.dw",
            "gru8.out.fwd", "gru8.out.dx", "gru8.out.dw", "gru8.eval.ih", "gru8.eval.hh"})
    public String shape;

    private GemmShape s;
    private Backend be;
    private Buffer a;
    private Buffer b;
    private Buffer c;

    @Setup(Level.Trial)
    public void setUp() {
        s = GemmShape.of(shape);
        be = Fixtures.open(backend, threads);
        a = Fixtures.uniform(be, (long) s.m() * s.k(), 1);
        b = Fixtures.uniform(be, (long) s.k() * s.n(), 2);
        c = be.allocate((long) s.m() * s.n());
    }

    @Benchmark
    public Buffer gemm() {
        be.gemm(s.transA(), s.transB(), s.m(), s.n(), s.k(), 1.0, a, b, 0.0, c);
        be.synchronize();
        return c;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        be.close();
    }
}

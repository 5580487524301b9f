package org.samplex.bench;

import java.util.SplittableRandom;
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
import org.samplex.api.Buffer;
import org.samplex.api.Services;

/**
 * Square sgemm C = A B on each host backend; GFLOP/s = 2 n^3 / (seconds per op) / 1e9.
 * Run: {@code java --add-modules jdk.incubator.vector -cp bench/target/samplex-bench-*.jar:bench/target/lib/* org.openjdk.jmh.Main Gemm}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class GemmBenchmark {

    @Param({"cpu", "reference"})
    public String backend;

    @Param({"64", "256", "512"})
    public int n;

    private Backend be;
    private Buffer a;
    private Buffer b;
    private Buffer c;

    @Setup(Level.Trial)
    public void setUp() {
        be = Services.discover().backend(backend).open(BackendOptions.defaults());
        SplittableRandom r = new SplittableRandom(1);
        double[] host = new double[n * n];
        a = be.allocate((long) n * n);
        b = be.allocate((long) n * n);
        c = be.allocate((long) n * n);
        for (Buffer x : new Buffer[] {a, b}) {
            for (int i = 0; i < host.length; i++) {
                host[i] = r.nextDouble(-1, 1);
            }
            be.copyFromHost(x, host);
        }
    }

    @Benchmark
    public Buffer gemm() {
        be.gemm(false, false, n, n, n, 1.0, a, b, 0.0, c);
        be.synchronize();
        return c;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        be.close();
    }
}

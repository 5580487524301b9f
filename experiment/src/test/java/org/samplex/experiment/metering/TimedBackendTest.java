package org.samplex.experiment.metering;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.samplex.api.Backend;
import org.samplex.api.BackendOptions;
import org.samplex.api.Services;
import org.samplex.api.config.Config;
import org.samplex.api.learn.AdamW;
import org.samplex.api.learn.AdamWConfig;
import org.samplex.api.learn.Batch;
import org.samplex.api.learn.Learner;
import org.samplex.api.learn.Task;
import org.samplex.api.rng.RngStream;
import org.samplex.api.tape.Arena;
import org.samplex.api.tape.Ops;
import org.samplex.api.tape.Tape;
import org.samplex.api.tape.Tensor;

class TimedBackendTest {

    private static final Services SERVICES = Services.discover();

    /** Parameters after a few training steps of the mix learner, all on {@code backend}. */
    private static long[] trainedBits(Backend backend, int steps) {
        Task task = BenchFixtures.SUM.create(BenchFixtures.SUM.schema().validate(Map.of()), 0);
        Config config = BenchFixtures.MIX.schema().validate(Map.of());
        try (Learner learner = BenchFixtures.MIX.create(task.shape(), config, backend, 7);
             Arena arena = new Arena(backend)) {
            Tape tape = new Tape(backend, arena);
            AdamW optimizer = new AdamW(new AdamWConfig(1e-2, 0.9, 0.999, 1e-8, 0.1));
            RngStream train = RngStream.of(3, "train");
            for (int s = 0; s < steps; s++) {
                tape.reset();
                Batch b = task.batch(backend, arena, Task.Split.TRAIN, train, s * 8L, 8);
                Tensor loss = Ops.mse(tape, learner.forward(tape, b.input()), b.labels());
                learner.parameters().zeroGrad();
                tape.backward(loss);
                optimizer.step(learner.parameters());
            }
            return Arrays.stream(learner.parameters().valuesToHost()).mapToLong(Double::doubleToRawLongBits)
                    .toArray();
        }
    }

    @Test
    void trainingThroughTheDecoratorGivesBitIdenticalParameters() {
        try (Backend reference = SERVICES.backend("reference").open(BackendOptions.threads(1))) {
            long[] plain = trainedBits(reference, 3);
            TimedBackend quiet = new TimedBackend(reference);
            assertArrayEquals(plain, trainedBits(quiet, 3), "profiling off");
            TimedBackend profiled = new TimedBackend(reference);
            profiled.profiling(true);
            assertArrayEquals(plain, trainedBits(profiled, 3), "profiling on");
            for (KernelFamily f : new KernelFamily[] {KernelFamily.GEMM, KernelFamily.ATTENTION,
                    KernelFamily.RECURRENCE, KernelFamily.POINTWISE, KernelFamily.OPTIMIZER, KernelFamily.DATA}) {
                assertTrue(profiled.calls(f) > 0, "the profile saw " + f);
            }
            assertEquals(3, profiled.calls(KernelFamily.OPTIMIZER), "one AdamW call per step");
            assertEquals(0, quiet.calls(KernelFamily.GEMM), "nothing is counted while profiling is off");
            assertEquals(0, reference.liveBuffers(), "every buffer went back through the decorator");
        }
    }

    @Test
    void everyBackendMethodIsForwardedNotLeftToADefault() {
        // MeteredBackend forwards every method (a default would run the wrapped backend's kernels unmetered, or
        // compose them differently); TimedBackend and the test's CountingBackend inherit that
        for (Method m : Backend.class.getMethods()) {
            if (Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            Method own = assertDoesNotThrow(() -> MeteredBackend.class.getDeclaredMethod(m.getName(),
                    m.getParameterTypes()), m.toString());
            assertEquals(MeteredBackend.class, own.getDeclaringClass(), m.toString());
            Method seen = assertDoesNotThrow(() -> TimedBackend.class.getMethod(m.getName(), m.getParameterTypes()));
            assertEquals(false, seen.isDefault(), m + " reaches TimedBackend as an interface default");
        }
    }

    @Test
    void aScopeTakesTheTimeAndCallsOfWhatRunsInside() {
        try (Backend reference = SERVICES.backend("reference").open(BackendOptions.threads(1));
             var buffer = reference.allocate(64);
             var product = reference.allocate(8)) {
            TimedBackend timed = new TimedBackend(reference);
            timed.profiling(true);
            timed.beginScope(KernelFamily.DATA);
            timed.fill(buffer, 1.0);
            timed.gemm(false, false, 8, 1, 8, 1.0, buffer, buffer.slice(0, 8), 0.0, product);
            timed.endScope();
            timed.fill(buffer, 2.0);
            assertEquals(2, timed.calls(KernelFamily.DATA));
            assertEquals(0, timed.calls(KernelFamily.GEMM));
            assertEquals(1, timed.calls(KernelFamily.POINTWISE));
            assertTrue(timed.nanos(KernelFamily.DATA) > 0);
            timed.resetProfile();
            assertEquals(0, timed.calls(KernelFamily.DATA));
            assertEquals(0, timed.nanos(KernelFamily.DATA));
        }
    }
}

package org.samplex.experiment.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.samplex.api.Backend;
import org.samplex.api.BackendOptions;
import org.samplex.api.learn.LearnerProvider;
import org.samplex.api.learn.TaskProvider;
import org.samplex.experiment.RunSpec;
import org.samplex.experiment.TrainingSession;
import org.samplex.experiment.metering.KernelFamily;

/**
 * The steady state of a training step allocates nothing on the Java heap: {@value #MEASURED} steps of the
 * protocol's replayed step (qSTR refill of the captured batch, replay, AdamW) after {@value #WARMUP} warm-up steps,
 * counted over all threads with HotSpot's allocation counters. Steady state means compiled: kernels called once
 * per step need more steps than that before C2 compiles them (until then their Vector API code boxes), so windows
 * go on until one is clean, for at most {@value #WARMUP_SECONDS} s.
 *
 * <p>Two numbers per case. The bytes outside the backend's kernels (the tape's replay, the refill's host side,
 * AdamW's call, the {@link TrainingSession}'s code) must be 0 on every backend: a {@link CountingBackend} attributes each
 * kernel call's allocations to the kernel. The total must be 0 on {@code cpu}, the backend runs are made on;
 * {@code reference} is the float64 oracle, written for clarity, and its attention and layout kernels allocate
 * working arrays, which its cases report but do not assert.
 *
 * <p>Each count is taken over up to {@value #WINDOWS} windows and the least kept, so that an unrelated thread of the
 * test JVM allocating once in a window, or a method the JIT compiles late, cannot fail the test; an allocation of
 * the step itself shows in every window. {@link #theCounterSeesAnArrayAndNothingInAnEmptyWindow} shows that the
 * counter sees an allocation and that reading it allocates nothing.
 */
class StepAllocationTest {
    private static final int WARMUP = 2000;
    private static final int MEASURED = 100;
    /** Windows measured at most, the least count kept: a step that allocates shows in every one. */
    private static final int WINDOWS = 30;
    /** Windows go on past {@link #WINDOWS} until one is clean or this much time has passed. */
    private static final long WARMUP_SECONDS = 30;
    /** Measurements by "learner on backend", shared by the tests that read them. */
    private static final Map<String, Measurement> MEASURED_CASES = new ConcurrentHashMap<>();
    /** Keeps the positive control's array reachable, so that the JIT cannot remove its allocation. */
    static volatile Object sink;

    /** Bytes allocated in {@link #MEASURED} steps: in all, and outside the kernels (with a per-family split). */
    private record Measurement(String label, long total, long outsideKernels, Map<KernelFamily, Long> inKernels) {
        @Override
        public String toString() {
            return label + ": " + total + " bytes in " + MEASURED + " steps (" + total / MEASURED + " per step), "
                    + outsideKernels + " outside the kernels; inside, by family: " + inKernels;
        }
    }

    private static Measurement measured(String name, String backendName) {
        return MEASURED_CASES.computeIfAbsent(name + " on " + backendName, k -> {
            Measurement m = measure(name, backendName);
            System.out.println("[StepAllocationTest] " + m);
            return m;
        });
    }

    @Test
    void theCounterSeesAnArrayAndNothingInAnEmptyWindow() {
        HeapAllocations heap = new HeapAllocations();
        long empty = Long.MAX_VALUE;
        long array = 0;
        for (int i = 0; i < 10_000; i++) { // compiled, as the measured loops are
            long before = heap.total();
            long between = heap.total();
            sink = new long[1000];
            long after = heap.total();
            empty = Math.min(empty, between - before);
            array = after - between;
        }
        assertEquals(0, empty, "reading the counter twice allocates nothing");
        assertTrue(array >= 8000, "a long[1000] is seen: " + array + " bytes");
    }

    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource({"transformer, reference", "mlp, reference", "gru, reference",
            "transformer, cpu", "mlp, cpu", "gru, cpu"})
    void nothingButTheKernelsAllocatesInAReplayedStep(String name, String backendName) {
        Measurement m = measured(name, backendName);
        assertEquals(0, m.outsideKernels(), m.toString());
    }

    /** The reference's kernels are not held to it (see the class comment), the cpu backend's are: 0 bytes in all. */
    @ParameterizedTest(name = "{0} on cpu")
    @ValueSource(strings = {"transformer", "mlp", "gru", "mamba", "mingru"})
    void onCpuAReplayedStepAllocatesNothingAtAll(String name) {
        Measurement m = measured(name, "cpu");
        assertEquals(0, m.total(), m.toString());
    }

    private static Measurement measure(String name, String backendName) {
        RunSpec spec = RealLearners.spec(name, backendName).build();
        LearnerProvider lp = RealLearners.SERVICES.learner(name);
        TaskProvider tp = RealLearners.SERVICES.task("qstr");
        HeapAllocations heap = new HeapAllocations();
        try (Backend raw = RealLearners.SERVICES.backend(backendName).open(BackendOptions.threads(2))) {
            CountingBackend be = new CountingBackend(raw, heap);
            try (TrainingSession steps = TrainingSession.open(spec, lp, tp, be)) {
                steps.steps(WARMUP);

                // a kernel called once per step reaches C2 (where Vector API code stops boxing) only after
                // thousands of steps: keep stepping until a window is clean, for at most WARMUP_SECONDS
                long total = Long.MAX_VALUE;
                long deadline = System.nanoTime() + WARMUP_SECONDS * 1_000_000_000L;
                for (int attempt = 0; total > 0 && (attempt < WINDOWS || System.nanoTime() < deadline); attempt++) {
                    long before = heap.total();
                    steps.steps(MEASURED);
                    total = Math.min(total, heap.total() - before);
                }

                long outside = Long.MAX_VALUE;
                Map<KernelFamily, Long> byFamily = new EnumMap<>(KernelFamily.class);
                be.counting(true);
                for (int attempt = 0; attempt < WINDOWS && outside > 0; attempt++) {
                    be.resetCounts();
                    long before = heap.total();
                    steps.steps(MEASURED);
                    long all = heap.total() - before;
                    if (all - be.inKernels() < outside) {
                        outside = all - be.inKernels();
                        for (KernelFamily f : KernelFamily.values()) {
                            if (be.inKernels(f) != 0) {
                                byFamily.put(f, be.inKernels(f));
                            }
                        }
                    }
                }
                be.counting(false);
                return new Measurement(name + " on " + backendName, total, outside, byFamily);
            }
        }
    }
}

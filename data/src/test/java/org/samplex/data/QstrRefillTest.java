package org.samplex.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.samplex.api.Backend;
import org.samplex.api.BackendOptions;
import org.samplex.api.Services;
import org.samplex.api.learn.Batch;
import org.samplex.api.learn.Task;
import org.samplex.api.learn.TaskShape;
import org.samplex.api.rng.RngStream;
import org.samplex.api.tape.Arena;
import org.samplex.api.tape.Tensor;

/** Refilling a batch in place gives the bits {@link Task#batch} gives, online and cycling through a fixed set. */
class QstrRefillTest {
    private static final RngStream TRAIN = RngStream.of(1, "train");
    /** Every random field in use: pointers, resampled codes and label noise. */
    private static final Map<String, Object> ALL_FIELDS = Map.of("N", 12, "q", 2, "link", "he2",
            "positional", "resampled", "noise", 0.3, "pointers", "distinct");

    private static Backend open(String name) {
        return Services.discover().backend(name).open(BackendOptions.threads(2));
    }

    @ParameterizedTest
    @ValueSource(strings = {"reference", "cpu"})
    void aRefilledBatchHoldsTheBitsOfAFreshOne(String backendName) {
        for (Map<String, ?> settings : List.of(Map.of("N", 6), ALL_FIELDS)) {
            Task task = Prompts.task(settings, 3);
            try (Backend be = open(backendName); Arena arena = new Arena(be)) {
                Batch into = task.batch(be, arena, Task.Split.TRAIN, TRAIN, 0, 16);
                task.refill(be, into, Task.Split.TRAIN, TRAIN, 40);
                assertSameBits(be, task.batch(be, arena, Task.Split.TRAIN, TRAIN, 40, 16), into);
                // the test split may draw otherwise (test-variant); refill follows the split it is given
                task.refill(be, into, Task.Split.TEST, TRAIN, 7);
                assertSameBits(be, task.batch(be, arena, Task.Split.TEST, TRAIN, 7, 16), into);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"reference", "cpu"})
    void aCycleWrapsAroundItsEndAsTheRunsOfABatchWould(String backendName) {
        Task task = Prompts.task(ALL_FIELDS, 3);
        try (Backend be = open(backendName); Arena arena = new Arena(be)) {
            Batch into = task.batch(be, arena, Task.Split.TRAIN, TRAIN, 0, 16);
            // cycle 20 from 13: prompts 13..19 then 0..8
            task.refill(be, into, Task.Split.TRAIN, TRAIN, 13, 20);
            assertSameBits(be, stack(be, arena, task.batch(be, arena, Task.Split.TRAIN, TRAIN, 13, 7),
                    task.batch(be, arena, Task.Split.TRAIN, TRAIN, 0, 9)), into);
            // a cycle shorter than the batch repeats within it: 4, 5, then 0..5, 0..5, 0..3 from 4 with cycle 6
            task.refill(be, into, Task.Split.TRAIN, TRAIN, 4, 6);
            assertSameBits(be, stack(be, arena, task.batch(be, arena, Task.Split.TRAIN, TRAIN, 4, 2),
                    task.batch(be, arena, Task.Split.TRAIN, TRAIN, 0, 6),
                    task.batch(be, arena, Task.Split.TRAIN, TRAIN, 0, 6),
                    task.batch(be, arena, Task.Split.TRAIN, TRAIN, 0, 2)), into);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"reference", "cpu"})
    void theInPlaceRefillMatchesTheDefaultThatCopiesFromAFreshBatch(String backendName) {
        Task task = Prompts.task(ALL_FIELDS, 3);
        Task generic = new DefaultRefill(task);
        try (Backend be = open(backendName); Arena arena = new Arena(be)) {
            Batch own = task.batch(be, arena, Task.Split.TRAIN, TRAIN, 0, 10);
            Batch viaDefault = task.batch(be, arena, Task.Split.TRAIN, TRAIN, 0, 10);
            for (long[] firstAndCycle : new long[][] {{0, Long.MAX_VALUE}, {95, Long.MAX_VALUE}, {17, 23}, {2, 3}}) {
                task.refill(be, own, Task.Split.TRAIN, TRAIN, firstAndCycle[0], firstAndCycle[1]);
                generic.refill(be, viaDefault, Task.Split.TRAIN, TRAIN, firstAndCycle[0], firstAndCycle[1]);
                assertSameBits(be, viaDefault, own);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"reference"})
    void oneTaskRefillsOnSeveralThreadsAtOnce(String backendName) throws Exception {
        Task task = Prompts.task(ALL_FIELDS, 3);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int worker = t;
                results.add(pool.submit(() -> {
                    try (Backend be = open(backendName); Arena arena = new Arena(be)) {
                        // different batch sizes per thread: each thread's staging has its own size
                        Batch into = task.batch(be, arena, Task.Split.TRAIN, TRAIN, 0, 5 + worker);
                        for (int s = 0; s < 30; s++) {
                            long first = (long) s * (5 + worker);
                            task.refill(be, into, Task.Split.TRAIN, TRAIN, first);
                            assertSameBits(be, task.batch(be, arena, Task.Split.TRAIN, TRAIN, first, 5 + worker),
                                    into);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : results) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"reference"})
    void badRefillsAreNamed(String backendName) {
        Task task = Prompts.task(Map.of("N", 6), 3);
        Task other = Prompts.task(Map.of("N", 7), 3);
        try (Backend be = open(backendName); Arena arena = new Arena(be)) {
            Batch into = task.batch(be, arena, Task.Split.TRAIN, TRAIN, 0, 4);
            Batch wrong = other.batch(be, arena, Task.Split.TRAIN, TRAIN, 0, 4);
            var shape = assertThrows(IllegalArgumentException.class,
                    () -> task.refill(be, wrong, Task.Split.TRAIN, TRAIN, 0));
            assertTrue(shape.getMessage().contains("into.input"), shape.getMessage());
            var first = assertThrows(IllegalArgumentException.class,
                    () -> task.refill(be, into, Task.Split.TRAIN, TRAIN, -1));
            assertTrue(first.getMessage().contains("firstPrompt"), first.getMessage());
            var cycle = assertThrows(IllegalArgumentException.class,
                    () -> task.refill(be, into, Task.Split.TRAIN, TRAIN, 0, 0));
            assertTrue(cycle.getMessage().contains("cycle"), cycle.getMessage());
            var far = assertThrows(IllegalArgumentException.class,
                    () -> task.refill(be, into, Task.Split.TRAIN, TRAIN, Long.MAX_VALUE - 2));
            assertTrue(far.getMessage().contains("2^59"), far.getMessage());
        }
    }

    /** The batches stacked along their first axis, in a new batch of the arena. */
    private static Batch stack(Backend be, Arena arena, Batch... parts) {
        List<double[]> inputs = new ArrayList<>();
        List<double[]> labels = new ArrayList<>();
        int count = 0;
        for (Batch b : parts) {
            inputs.add(host(be, b.input()));
            labels.add(host(be, b.labels()));
            count += b.input().dim(0);
        }
        int n = parts[0].input().dim(1);
        int width = parts[0].input().dim(2);
        var input = arena.allocate((long) count * n * width);
        var label = arena.allocate((long) count * n);
        be.copyFromHost(input, concat(inputs));
        be.copyFromHost(label, concat(labels));
        return new Batch(Tensor.constant(input, count, n, width), Tensor.constant(label, count, n));
    }

    private static double[] concat(List<double[]> parts) {
        double[] out = new double[parts.stream().mapToInt(p -> p.length).sum()];
        int at = 0;
        for (double[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private static double[] host(Backend be, Tensor t) {
        double[] out = new double[Math.toIntExact(t.size())];
        be.copyToHost(t.value(), out);
        return out;
    }

    private static void assertSameBits(Backend be, Batch expected, Batch actual) {
        assertEquals(List.of(expected.input().shape().length, expected.labels().shape().length),
                List.of(actual.input().shape().length, actual.labels().shape().length));
        assertArrayEquals(host(be, expected.input()), host(be, actual.input()));
        assertArrayEquals(host(be, expected.labels()), host(be, actual.labels()));
    }

    /** A task that forwards everything but refill, so the interface's default refill runs. */
    private record DefaultRefill(Task task) implements Task {
        @Override
        public TaskShape shape() {
            return task.shape();
        }

        @Override
        public Batch batch(Backend backend, Arena arena, Split split, RngStream stream, long firstPrompt,
                           int count) {
            return task.batch(backend, arena, split, stream, firstPrompt, count);
        }

        @Override
        public Map<String, Object> describe() {
            return task.describe();
        }
    }
}

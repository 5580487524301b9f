package org.samplex.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;

/**
 * The cpu backend's pool: every task of every job runs exactly once and its writes are visible when forEach
 * returns (also for jobs back to back, where a late worker must not touch the next job), failures come back after
 * every task has finished, nested calls run inline, an interrupt neither cuts the wait short nor gets lost, small
 * work stays on the caller, and shutdown ends the workers.
 */
class CpuParallelTest {
    /** Enough work to go to the pool. */
    private static final long PARALLEL = CpuParallel.INLINE_WORK;

    @Test
    void everyTaskOfEveryJobRunsExactlyOnce() {
        for (int threads : new int[] {2, 3, 4}) {
            CpuParallel par = new CpuParallel(threads);
            try {
                // two bodies in turn: a task of one job run late, with the other job's body or count, shows up
                int[][] counts = {new int[64], new int[64]};
                IntConsumer[] bodies = {t -> counts[0][t]++, t -> counts[1][t]++};
                for (int job = 0; job < 5_000; job++) {
                    int which = job % 2;
                    int tasks = 1 + job % 61;
                    par.forEach(tasks, PARALLEL, bodies[which]);
                    for (int t = 0; t < 64; t++) {
                        int expected = t < tasks ? 1 : 0;
                        assertEquals(expected, counts[which][t], "threads " + threads + " job " + job + " task " + t);
                        assertEquals(0, counts[1 - which][t], "threads " + threads + " job " + job + " other body");
                    }
                    Arrays.fill(counts[which], 0);
                }
            } finally {
                par.shutdown();
            }
        }
    }

    @Test
    void theFirstFailureComesBackOnceEveryTaskHasFinished() {
        CpuParallel par = new CpuParallel(3);
        try {
            AtomicInteger running = new AtomicInteger();
            IllegalStateException boom = new IllegalStateException("boom");
            IntConsumer body = t -> {
                running.incrementAndGet();
                try {
                    if (t == 3) {
                        throw boom;
                    }
                    long until = System.nanoTime() + 200_000;
                    while (System.nanoTime() < until) {
                        Thread.onSpinWait();
                    }
                } finally {
                    running.decrementAndGet();
                }
            };
            for (int round = 0; round < 20; round++) {
                IllegalStateException thrown = assertThrows(IllegalStateException.class,
                        () -> par.forEach(32, PARALLEL, body));
                assertSame(boom, thrown);
                assertEquals(0, running.get(), "no task is still running when forEach throws");
            }
            AssertionError error = new AssertionError("an error");
            assertSame(error, assertThrows(AssertionError.class, () -> par.forEach(8, PARALLEL, t -> {
                if (t == 7) {
                    throw error;
                }
            })));
            // the pool is fine afterwards
            AtomicIntegerArray after = new AtomicIntegerArray(16);
            par.forEach(16, PARALLEL, after::incrementAndGet);
            for (int t = 0; t < 16; t++) {
                assertEquals(1, after.get(t));
            }
        } finally {
            par.shutdown();
        }
    }

    @Test
    void aNestedCallRunsInlineOnTheThreadThatMadeIt() {
        CpuParallel par = new CpuParallel(3);
        try {
            int outer = 12;
            int inner = 9;
            AtomicIntegerArray counts = new AtomicIntegerArray(outer * inner);
            AtomicInteger elsewhere = new AtomicInteger();
            par.forEach(outer, PARALLEL, o -> {
                Thread mine = Thread.currentThread();
                par.forEach(inner, PARALLEL, i -> {
                    counts.incrementAndGet(o * inner + i);
                    if (Thread.currentThread() != mine) {
                        elsewhere.incrementAndGet();
                    }
                });
            });
            for (int k = 0; k < outer * inner; k++) {
                assertEquals(1, counts.get(k), "task " + k);
            }
            assertEquals(0, elsewhere.get(), "inner tasks ran on another thread than their outer task");
        } finally {
            par.shutdown();
        }
    }

    @Test
    void anInterruptedCallerStillWaitsForEveryTaskAndKeepsItsInterrupt() {
        CpuParallel par = new CpuParallel(2);
        try {
            AtomicIntegerArray counts = new AtomicIntegerArray(4);
            Thread.currentThread().interrupt();
            par.forEach(4, PARALLEL, t -> {
                long until = System.nanoTime() + (t + 1) * 3_000_000L;
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                counts.incrementAndGet(t);
            });
            assertTrue(Thread.interrupted(), "the interrupt is still set");
            for (int t = 0; t < 4; t++) {
                assertEquals(1, counts.get(t), "task " + t + " finished before forEach returned");
            }
        } finally {
            Thread.interrupted();
            par.shutdown();
        }
    }

    @Test
    void smallWorkStaysOnTheCaller() {
        CpuParallel par = new CpuParallel(4);
        try {
            Set<Thread> seen = new HashSet<>();
            par.forEach(50, PARALLEL - 1, t -> seen.add(Thread.currentThread()));
            assertEquals(Set.of(Thread.currentThread()), seen);
        } finally {
            par.shutdown();
        }
    }

    @Test
    void afterShutdownTheWorkersEndAndForEachThrows() throws InterruptedException {
        Set<Thread> before = poolThreads();
        CpuParallel par = new CpuParallel(3);
        AtomicIntegerArray counts = new AtomicIntegerArray(8);
        par.forEach(8, PARALLEL, counts::incrementAndGet);
        Set<Thread> mine = poolThreads();
        mine.removeAll(before);
        assertEquals(2, mine.size(), "3 threads: the caller and 2 workers");
        par.shutdown();
        for (Thread t : mine) {
            assertTrue(t.isDaemon(), t.getName());
            t.join(30_000);
            assertFalse(t.isAlive(), t.getName() + " ends after shutdown");
        }
        assertThrows(IllegalStateException.class, () -> par.forEach(8, PARALLEL, counts::incrementAndGet));
        assertThrows(IllegalStateException.class, () -> par.forEach(1, 1, counts::incrementAndGet));
        assertThrows(IllegalArgumentException.class, () -> new CpuParallel(0));
    }

    private static Set<Thread> poolThreads() {
        Set<Thread> out = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("samplex-cpu-")) {
                out.add(t);
            }
        }
        return out;
    }
}

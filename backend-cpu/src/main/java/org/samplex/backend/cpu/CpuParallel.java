package org.samplex.backend.cpu;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * The cpu backend's fixed thread pool: {@code threads - 1} daemon workers named "samplex-cpu-N" plus the calling
 * thread, which takes tasks too instead of waiting idle.
 *
 * <p>Determinism contract: a kernel splits its work into tasks whose outputs do not overlap and whose arithmetic
 * does not depend on which thread runs them or on how many threads there are. Tasks are handed out dynamically
 * (first come, first served), which changes only who computes a task, never what it computes.
 */
final class CpuParallel {
    /** Below this many scalar operations a kernel runs on the caller thread: a pool hand-off costs microseconds. */
    static final long INLINE_WORK = 1L << 15;

    private final int threads;
    private final ExecutorService pool;

    CpuParallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.threads = threads;
        this.pool = threads == 1 ? null : Executors.newFixedThreadPool(threads - 1, daemonFactory());
    }

    private static ThreadFactory daemonFactory() {
        AtomicInteger next = new AtomicInteger(1);
        return r -> {
            Thread t = new Thread(r, "samplex-cpu-" + next.getAndIncrement());
            t.setDaemon(true);
            return t;
        };
    }

    int threads() {
        return threads;
    }

    /**
     * Runs {@code body.accept(task)} once for every task in [0, tasks), each on exactly one thread, and returns when
     * all are done. Runs inline on the caller when there is one task, one thread, or less than {@link #INLINE_WORK}
     * total {@code work}. The first exception a task throws is rethrown here once every task has finished.
     */
    void forEach(int tasks, long work, IntConsumer body) {
        if (tasks <= 0) {
            return;
        }
        if (pool == null || tasks == 1 || work < INLINE_WORK) {
            for (int t = 0; t < tasks; t++) {
                body.accept(t);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(tasks);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable worker = () -> drain(tasks, next, done, failure, body);
        int helpers = Math.min(threads - 1, tasks - 1);
        for (int h = 0; h < helpers; h++) {
            pool.execute(worker);
        }
        worker.run();
        awaitUninterruptibly(done);
        Throwable t = failure.get();
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error e) {
            throw e;
        }
        if (t != null) {
            throw new IllegalStateException(t);
        }
    }

    private static void drain(int tasks, AtomicInteger next, CountDownLatch done, AtomicReference<Throwable> failure,
                              IntConsumer body) {
        for (int t = next.getAndIncrement(); t < tasks; t = next.getAndIncrement()) {
            try {
                if (failure.get() == null) {
                    body.accept(t);
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            } finally {
                done.countDown();
            }
        }
    }

    /** Tasks write into caller-owned arrays, so the caller must not return before they end, interrupt or not. */
    private static void awaitUninterruptibly(CountDownLatch done) {
        boolean interrupted = false;
        while (true) {
            try {
                done.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the workers; tasks already queued still finish. */
    void shutdown() {
        if (pool != null) {
            pool.shutdown();
        }
    }
}

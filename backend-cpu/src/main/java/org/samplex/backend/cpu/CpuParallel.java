package org.samplex.backend.cpu;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * The cpu backend's thread pool: {@code threads - 1} persistent daemon workers named "samplex-cpu-N" plus the
 * calling thread, which takes tasks too instead of waiting idle. A parallel call allocates nothing: the job is a
 * handful of fields reused from call to call, and idle workers spin briefly, then yield, then park until the next
 * job.
 *
 * <p>Determinism contract: a kernel splits its work into tasks whose outputs do not overlap and whose arithmetic
 * does not depend on which thread runs them or on how many threads there are. Tasks are handed out dynamically
 * (first come, first served), which changes only who computes a task, never what it computes.
 *
 * <p>Threading: calls on one backend come from one thread at a time. A {@link #forEach} made while a job is in
 * progress (a task body calling it again, on the caller or on a worker; or, against the rule, a second thread) does
 * not wait for the pool: it runs its tasks inline on the thread that made it. After {@link #shutdown}, forEach
 * throws {@link IllegalStateException}, as the closed backend that owns the pool does.
 *
 * <p>Hand-off: the job's ticket packs the generation (high 32 bits) with the next unclaimed task (low 32 bits); a
 * thread claims a task by moving the ticket of the generation it joined, and the caller closes the ticket (the low
 * half past any task index) once every task is done, before it writes the next job's fields. So a late worker that
 * reads the next job's body or task count before that job is published can claim nothing with them. The caller
 * waits for the done count before it returns, so every task's writes happen before forEach returns.
 */
final class CpuParallel {
    /** Below this many scalar operations a kernel runs on the caller thread: a pool hand-off costs microseconds. */
    static final long INLINE_WORK = 1L << 15;
    /**
     * How long an idle worker, or a caller waiting for the last tasks, spins on the core before it yields it: kernels
     * come back to back, so the next job or the last task is usually microseconds away.
     */
    private static final long SPIN_NANOS = 10_000;
    /** How long it keeps waiting, yielding the core to other threads between looks, before it parks. */
    private static final long YIELD_NANOS = 100_000;
    /** The low half of the ticket of a finished job: no task index reaches it. */
    private static final long CLOSED = Integer.MAX_VALUE;

    private static final VarHandle TICKET;
    private static final VarHandle DONE;
    private static final VarHandle FAILURE;
    private static final VarHandle BUSY;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            TICKET = lookup.findVarHandle(CpuParallel.class, "ticket", long.class);
            DONE = lookup.findVarHandle(CpuParallel.class, "done", int.class);
            FAILURE = lookup.findVarHandle(CpuParallel.class, "failure", Throwable.class);
            BUSY = lookup.findVarHandle(CpuParallel.class, "busy", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int threads;
    /** The workers, started with the first job that needs them; null until then and with one thread. */
    private Worker[] workers;

    // ---- the job in progress: written by the caller before it publishes the ticket --------------------------

    /** Generation (high 32 bits) and next unclaimed task (low 32 bits), or {@link #CLOSED} once the job ended. */
    private volatile long ticket;
    private volatile IntConsumer body;
    private volatile int tasks;
    /** Tasks finished (run, or skipped after a failure) in the current job. */
    private volatile int done;
    /** The first throwable of the current job. */
    private volatile Throwable failure;
    /** The caller parked waiting for the done count, or null. */
    private volatile Thread waiter;
    /** True while a job is in progress: a forEach made meanwhile runs inline. */
    private volatile boolean busy;
    private volatile boolean shutdown;

    CpuParallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.threads = threads;
    }

    int threads() {
        return threads;
    }

    /**
     * Runs {@code body.accept(task)} once for every task in [0, tasks), each on exactly one thread, and returns when
     * all are done. Runs inline on the caller when there is one task, one thread, less than {@link #INLINE_WORK}
     * total {@code work}, or a job already in progress (see the class comment). The first exception a task throws
     * is rethrown here once every task has finished (inline, it propagates at once).
     *
     * @throws IllegalStateException after {@link #shutdown}
     */
    void forEach(int tasks, long work, IntConsumer body) {
        if (shutdown) {
            throw new IllegalStateException("the cpu backend's thread pool is shut down");
        }
        if (tasks <= 0) {
            return;
        }
        if (threads == 1 || tasks == 1 || work < INLINE_WORK || !BUSY.compareAndSet(this, false, true)) {
            for (int t = 0; t < tasks; t++) {
                body.accept(t);
            }
            return;
        }
        try {
            runJob(tasks, body);
        } finally {
            busy = false;
        }
    }

    private void runJob(int tasks, IntConsumer body) {
        if (workers == null) {
            startWorkers();
        }
        this.body = body;
        this.tasks = tasks;
        done = 0;
        failure = null;
        // the volatile ticket write publishes the fields above to every worker that reads the new generation
        int generation = (int) (ticket >>> 32) + 1;
        ticket = (long) generation << 32;
        int helpers = Math.min(workers.length, tasks - 1);
        for (int w = 0; w < helpers; w++) {
            workers[w].wake();
        }
        drain(generation, tasks, body);
        awaitDone(tasks);
        // closed before the fields are reused: a late worker that reads the next job's body or task count reads
        // this ticket (or a later one) afterwards, so it claims nothing with them
        ticket = (long) generation << 32 | CLOSED;
        this.body = null;
        Throwable t = failure;
        if (t != null) {
            failure = null;
            rethrow(t);
        }
    }

    /** Claims and runs tasks of job {@code generation} until none is left or the job is over. */
    private void drain(int generation, int tasks, IntConsumer body) {
        while (true) {
            long t = ticket;
            int task = (int) t;
            if ((int) (t >>> 32) != generation || task >= tasks) {
                return;
            }
            if (!TICKET.compareAndSet(this, t, t + 1)) {
                continue;
            }
            try {
                if (failure == null) {
                    body.accept(task);
                }
            } catch (Throwable e) {
                FAILURE.compareAndSet(this, null, e);
            } finally {
                if ((int) DONE.getAndAdd(this, 1) + 1 == tasks) {
                    Thread w = waiter;
                    if (w != null) {
                        LockSupport.unpark(w);
                    }
                }
            }
        }
    }

    /** Tasks write into caller-owned arrays, so the caller must not return before they end, interrupt or not. */
    private void awaitDone(int tasks) {
        if (done == tasks) {
            return;
        }
        long start = System.nanoTime();
        while (done != tasks) {
            if (!keepWaiting(start)) {
                break;
            }
        }
        if (done == tasks) {
            return;
        }
        waiter = Thread.currentThread();
        boolean interrupted = false;
        try {
            while (done != tasks) {
                // a park that returns early (a stale permit) just goes round; an interrupt is set aside so that it
                // does not turn the wait into a spin, and restored once the tasks are done
                LockSupport.park(this);
                interrupted |= Thread.interrupted();
            }
        } finally {
            waiter = null;
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * One look of a wait that began at {@code start}: spins for {@link #SPIN_NANOS}, then yields the core (on a
     * machine with more runnable threads than cores, the thread being waited for may need it) until
     * {@link #YIELD_NANOS}; false once it is time to park.
     */
    private static boolean keepWaiting(long start) {
        long waited = System.nanoTime() - start;
        if (waited < SPIN_NANOS) {
            Thread.onSpinWait();
            return true;
        }
        if (waited < YIELD_NANOS) {
            Thread.yield();
            return true;
        }
        return false;
    }

    private static void rethrow(Throwable t) {
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(t);
    }

    private synchronized void startWorkers() {
        if (workers != null) {
            return;
        }
        Worker[] started = new Worker[threads - 1];
        for (int w = 0; w < started.length; w++) {
            started[w] = new Worker(this, "samplex-cpu-" + (w + 1));
            started[w].thread.start();
        }
        workers = started;
    }

    /** Stops the workers: they end once idle (a job in progress still finishes); further forEach calls throw. */
    void shutdown() {
        shutdown = true;
        Worker[] started;
        synchronized (this) {
            started = workers;
        }
        if (started != null) {
            for (Worker w : started) {
                LockSupport.unpark(w.thread);
            }
        }
    }

    /** One persistent worker thread: waits for a new generation, drains its tasks, waits again. */
    private static final class Worker implements Runnable {
        private final CpuParallel pool;
        final Thread thread;
        /** True while parked or about to park: the caller then unparks it. */
        private volatile boolean parked;

        Worker(CpuParallel pool, String name) {
            this.pool = pool;
            this.thread = new Thread(this, name);
            thread.setDaemon(true);
        }

        void wake() {
            if (parked) {
                LockSupport.unpark(thread);
            }
        }

        @Override
        public void run() {
            int seen = (int) (pool.ticket >>> 32);
            while (true) {
                int generation = awaitJob(seen);
                if (generation == seen) {
                    return; // shut down
                }
                seen = generation;
                // the ticket was read (volatile) before these fields, which the caller wrote before publishing it;
                // if they already belong to a later job, the ticket moved on and drain claims nothing
                IntConsumer body = pool.body;
                int tasks = pool.tasks;
                if (body != null) {
                    pool.drain(generation, tasks, body);
                }
            }
        }

        /** The generation of the next job after {@code seen}, or {@code seen} once the pool is shut down. */
        private int awaitJob(int seen) {
            long start = System.nanoTime();
            while (true) {
                int generation = (int) (pool.ticket >>> 32);
                if (generation != seen) {
                    return generation;
                }
                if (pool.shutdown) {
                    return seen;
                }
                if (keepWaiting(start)) {
                    continue;
                }
                // Dekker with the caller: it writes the ticket then reads parked; we write parked then re-read the
                // ticket, so one of us sees the other and no wake-up is lost
                parked = true;
                if ((int) (pool.ticket >>> 32) == seen && !pool.shutdown) {
                    LockSupport.park(pool);
                }
                parked = false;
                Thread.interrupted(); // nothing interrupts a worker on purpose; a stray interrupt must not spin it
            }
        }
    }
}

package org.samplex.experiment.metering;

import java.util.Arrays;
import org.samplex.api.Backend;

/**
 * A timing decorator: forwards every call, unchanged, to the backend it wraps and, while profiling is on,
 * synchronizes after each kernel call and adds the elapsed wall time to the call's {@link KernelFamily}.
 *
 * <p>Profiling changes what is measured: the synchronization after every call removes the overlap of queued
 * device work (and adds its own cost), so throughput is measured with profiling off and the profile is taken in a
 * separate pass. With profiling off a call costs one branch more than the wrapped backend's. Inside a scope
 * ({@link #beginScope}), calls are not timed one by one: the scope's whole wall time goes to its family.
 *
 * <p>Buffers and ownership are as for every {@link MeteredBackend}. Not thread-safe, like the training loop that
 * uses it.
 */
public final class TimedBackend extends MeteredBackend {

    private static final int FAMILIES = KernelFamily.values().length;

    private final long[] nanos = new long[FAMILIES];
    private final long[] calls = new long[FAMILIES];
    private boolean profiling;
    private KernelFamily scope;
    private long scopeStart;

    public TimedBackend(Backend backend) {
        super(backend);
    }

    /** Turns profiling on or off; turning it on first waits for queued work, which is not counted. */
    public void profiling(boolean on) {
        if (on) {
            backend.synchronize();
        }
        profiling = on;
    }

    public boolean profiling() {
        return profiling;
    }

    /** Forgets the nanoseconds and calls counted so far. */
    public void resetProfile() {
        Arrays.fill(nanos, 0);
        Arrays.fill(calls, 0);
    }

    /** Nanoseconds counted for a family while profiling. */
    public long nanos(KernelFamily family) {
        return nanos[family.ordinal()];
    }

    /** Calls counted for a family while profiling (inside a scope, the scope's family). */
    public long calls(KernelFamily family) {
        return calls[family.ordinal()];
    }

    /**
     * Opens a scope: until {@link #endScope}, the wall time (queued work included) goes to {@code family} and
     * the calls made count for it. Does nothing while profiling is off.
     *
     * @throws IllegalStateException when a scope is already open
     */
    public void beginScope(KernelFamily family) {
        if (!profiling) {
            return;
        }
        if (scope != null) {
            throw new IllegalStateException("scope " + scope + " is still open");
        }
        backend.synchronize();
        scope = family;
        scopeStart = System.nanoTime();
    }

    /** Closes the open scope, if any, after waiting for its queued work. */
    public void endScope() {
        if (scope == null) {
            return;
        }
        backend.synchronize();
        nanos[scope.ordinal()] += System.nanoTime() - scopeStart;
        scope = null;
    }

    @Override
    protected long begin() {
        return profiling && scope == null ? System.nanoTime() : 0L;
    }

    @Override
    protected void end(KernelFamily family, long start) {
        if (!profiling) {
            return;
        }
        if (scope != null) {
            calls[scope.ordinal()]++;
            return;
        }
        backend.synchronize();
        nanos[family.ordinal()] += System.nanoTime() - start;
        calls[family.ordinal()]++;
    }
}

package org.samplex.experiment.replay;

import org.samplex.api.Backend;
import org.samplex.experiment.metering.KernelFamily;
import org.samplex.experiment.metering.MeteredBackend;

/**
 * A {@link MeteredBackend} that, while counting, reads the heap bytes allocated by all threads before and after
 * every kernel call and adds the difference to
 * the call's family: what the backend's own kernels allocate, told apart from what the code that calls them
 * allocates. Counting off, it only forwards. Counting itself allocates nothing.
 */
final class CountingBackend extends MeteredBackend {
    private static final int FAMILIES = KernelFamily.values().length;

    private final HeapAllocations heap;
    private final long[] bytes = new long[FAMILIES];
    private boolean counting;

    CountingBackend(Backend backend, HeapAllocations heap) {
        super(backend);
        this.heap = heap;
    }

    void counting(boolean on) {
        counting = on;
    }

    /** Bytes counted inside calls of every family since the last reset. */
    long inKernels() {
        long sum = 0;
        for (long b : bytes) {
            sum += b;
        }
        return sum;
    }

    /** Bytes counted inside calls of one family. */
    long inKernels(KernelFamily family) {
        return bytes[family.ordinal()];
    }

    void resetCounts() {
        java.util.Arrays.fill(bytes, 0);
    }

    @Override
    protected long begin() {
        return counting ? heap.total() : 0L;
    }

    @Override
    protected void end(KernelFamily family, long start) {
        if (counting) {
            bytes[family.ordinal()] += heap.total() - start;
        }
    }
}

package org.samplex.backend.cpu;

import java.util.Arrays;
import org.samplex.api.Buffer;
import org.samplex.api.CheckedBackend;
import org.samplex.api.DType;
import org.samplex.api.KernelChecks;

/**
 * What the two host backends share: heap buffers and host copies. The argument checks of every entry point and the
 * buffer bookkeeping are api's {@link CheckedBackend}; the kernels live in {@link ReferenceBackend} (float64,
 * scalar, one thread) and {@link CpuBackend} (float32, threads, Vector API), behind its protected hooks named after
 * each method with a {@code Kernel} suffix.
 */
abstract class HostBackend extends CheckedBackend<HostBuffer> {

    HostBackend(String name, DType floatType) {
        super(name, floatType);
    }

    @Override
    protected final HostBuffer allocateKernel(DType type, long length) {
        return new HostBuffer(this, type, (int) length);
    }

    /** Called by a root buffer's close. */
    final void released(HostBuffer b) {
        forget(b);
    }

    @Override
    protected final HostBuffer owned(Buffer b) {
        return b instanceof HostBuffer hb && hb.owner == this ? hb : null;
    }

    /** Buffers are Java arrays: the heap's limit less what is in use (garbage counts as used: a lower bound). */
    @Override
    public long memoryAvailable() {
        Runtime rt = Runtime.getRuntime();
        return rt.maxMemory() == Long.MAX_VALUE ? -1 : rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    }

    // ---- copies -----------------------------------------------------------------------------------------------

    @Override
    protected final void copyFromHostKernel(HostBuffer dst, float[] src) {
        for (int k = 0; k < src.length; k++) {
            store(dst, k, src[k]);
        }
    }

    @Override
    protected final void copyFromHostKernel(HostBuffer dst, double[] src) {
        for (int k = 0; k < src.length; k++) {
            store(dst, k, src[k]);
        }
    }

    @Override
    protected final void copyFromHostKernel(HostBuffer dst, int[] src) {
        System.arraycopy(src, 0, dst.i, dst.offset, src.length);
    }

    @Override
    protected final void copyToHostKernel(HostBuffer src, float[] dst) {
        for (int k = 0; k < dst.length; k++) {
            dst[k] = (float) load(src, k);
        }
    }

    @Override
    protected final void copyToHostKernel(HostBuffer src, double[] dst) {
        for (int k = 0; k < dst.length; k++) {
            dst[k] = load(src, k);
        }
    }

    @Override
    protected final void copyToHostKernel(HostBuffer src, int[] dst) {
        System.arraycopy(src.i, src.offset, dst, 0, dst.length);
    }

    @Override
    protected final void copyKernel(HostBuffer dst, HostBuffer src) {
        Object from = src.f != null ? src.f : src.d != null ? src.d : src.i;
        Object to = dst.f != null ? dst.f : dst.d != null ? dst.d : dst.i;
        System.arraycopy(from, src.offset, to, dst.offset, src.length);
    }

    @Override
    protected final void fillIntKernel(HostBuffer dst, int value) {
        Arrays.fill(dst.i, dst.offset, dst.offset + dst.length, value);
    }

    /** The indices checked in place: nothing is copied or allocated. */
    @Override
    protected final void checkIndices(String what, HostBuffer index, int n, int tableRows) {
        KernelChecks.checkIndices(what, index.i, index.offset, n, tableRows);
    }

    private static void store(HostBuffer b, int k, double v) {
        if (b.f != null) {
            b.f[b.offset + k] = (float) v;
        } else {
            b.d[b.offset + k] = v;
        }
    }

    private static double load(HostBuffer b, int k) {
        return b.f != null ? b.f[b.offset + k] : b.d[b.offset + k];
    }
}

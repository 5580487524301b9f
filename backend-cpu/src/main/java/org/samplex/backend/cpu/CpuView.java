package org.samplex.backend.cpu;

/** A float32 buffer region as the kernels see it: the backing array and the element offset of the buffer's start. */
record CpuView(float[] x, int off) {

    /** The view of an open float buffer, or null for a null (skipped) gradient. */
    static CpuView of(HostBuffer b) {
        return b == null ? null : new CpuView(b.f, b.offset);
    }
}

package org.samplex.backend.cpu;

import org.samplex.api.AbstractBuffer;
import org.samplex.api.Buffer;
import org.samplex.api.DType;

/**
 * A buffer in Java heap arrays: exactly one of {@link #f}, {@link #d}, {@link #i} is non-null, chosen by the
 * type. Views share the root's array and its closed flag ({@link AbstractBuffer}). Heap memory is still released
 * explicitly: closing a root drops the array and updates the backend's live counts, so leak tests mean the same as
 * on a GPU.
 */
final class HostBuffer extends AbstractBuffer {
    final HostBackend owner;
    final DType type;
    final int offset;
    final int length;
    float[] f;
    double[] d;
    int[] i;

    /** A new root of {@code length} zeroed elements. */
    HostBuffer(HostBackend owner, DType type, int length) {
        this.owner = owner;
        this.type = type;
        this.offset = 0;
        this.length = length;
        switch (type) {
            case FLOAT32 -> f = new float[length];
            case FLOAT64 -> d = new double[length];
            case INT32 -> i = new int[length];
        }
    }

    /** A view of {@code length} elements from element {@code offset} of {@code of}. */
    private HostBuffer(HostBuffer of, int offset, int length) {
        super(of);
        this.owner = of.owner;
        this.type = of.type;
        this.offset = of.offset + offset;
        this.length = length;
        this.f = of.f;
        this.d = of.d;
        this.i = of.i;
    }

    @Override
    public DType dtype() {
        return type;
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    protected Buffer view(long off, long len) {
        return new HostBuffer(this, (int) off, (int) len);
    }

    @Override
    protected void release() {
        f = null;
        d = null;
        i = null;
        owner.released(this);
    }

    @Override
    public String toString() {
        return "HostBuffer[" + type + " x " + length + (isRoot() ? "" : " @" + offset) + "]";
    }
}

package org.samplex.backend.cpu;

import org.samplex.api.Buffer;
import org.samplex.api.DType;
import org.samplex.api.KernelChecks;

/**
 * A buffer in Java heap arrays: exactly one of {@link #f}, {@link #d}, {@link #i} is non-null, chosen by the
 * type. Views share the root's array and its closed flag. Heap memory is still released explicitly: closing a
 * root drops the array and updates the backend's live counts, so leak tests mean the same as on a GPU.
 */
final class HostBuffer implements Buffer {
    final HostBackend owner;
    final HostBuffer root;
    final DType type;
    final int offset;
    final int length;
    float[] f;
    double[] d;
    int[] i;
    private boolean closed;

    /** A new root of {@code length} zeroed elements. */
    HostBuffer(HostBackend owner, DType type, int length) {
        this.owner = owner;
        this.root = this;
        this.type = type;
        this.offset = 0;
        this.length = length;
        switch (type) {
            case FLOAT32 -> f = new float[length];
            case FLOAT64 -> d = new double[length];
            case INT32 -> i = new int[length];
        }
    }

    private HostBuffer(HostBuffer root, int offset, int length) {
        this.owner = root.owner;
        this.root = root;
        this.type = root.type;
        this.offset = offset;
        this.length = length;
        this.f = root.f;
        this.d = root.d;
        this.i = root.i;
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
    public Buffer slice(long off, long len) {
        ensureOpen();
        KernelChecks.sliceRange(off, len, length);
        return new HostBuffer(root, offset + (int) off, (int) len);
    }

    @Override
    public boolean isClosed() {
        return root.closed;
    }

    void ensureOpen() {
        if (root.closed) {
            throw new IllegalStateException("buffer is closed");
        }
    }

    @Override
    public void close() {
        if (root != this || closed) {
            return;
        }
        closed = true;
        f = null;
        d = null;
        i = null;
        owner.released(this);
    }

    @Override
    public String toString() {
        return "HostBuffer[" + type + " x " + length + (root == this ? "" : " @" + offset) + "]";
    }
}

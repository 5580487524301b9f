package org.samplex.backend.cuda;

import org.samplex.api.Buffer;
import org.samplex.api.DType;
import org.samplex.api.KernelChecks;

/**
 * A run of elements in device memory. A root owns one cuMemAlloc block; views share the root's block and closed
 * flag and are an element offset into it. Closing a root frees the block and updates the backend's live counts.
 */
final class CudaBuffer implements Buffer {
    final CudaMemory owner;
    final CudaBuffer root;
    final DType type;
    final long offset;
    final long length;
    /** The device address of the root's block (0 once a root is closed). */
    private long base;
    private boolean closed;

    /** A new root over a device block of {@code length} elements at {@code base}. */
    CudaBuffer(CudaMemory owner, DType type, long length, long base) {
        this.owner = owner;
        this.root = this;
        this.type = type;
        this.offset = 0;
        this.length = length;
        this.base = base;
    }

    private CudaBuffer(CudaBuffer root, long offset, long length) {
        this.owner = root.owner;
        this.root = root;
        this.type = root.type;
        this.offset = offset;
        this.length = length;
    }

    /** The device address of element 0 of this buffer. */
    long address() {
        return root.base + offset * type.bytes();
    }

    /** The device address of element {@code element} of this buffer. */
    long address(long element) {
        return address() + element * type.bytes();
    }

    long bytes() {
        return length * type.bytes();
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
        return new CudaBuffer(root, offset + off, len);
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
        long block = base;
        base = 0;
        owner.released(this, block);
    }

    @Override
    public String toString() {
        return "CudaBuffer[" + type + " x " + length + (root == this ? "" : " @" + offset) + "]";
    }
}

package org.samplex.backend.cuda;

import org.samplex.api.AbstractBuffer;
import org.samplex.api.Buffer;
import org.samplex.api.DType;

/**
 * A run of elements in device memory. A root owns one cuMemAlloc block; views share the root's block and closed
 * flag ({@link AbstractBuffer}) and are an element offset into it. Closing a root frees the block and updates the
 * backend's live counts.
 */
final class CudaBuffer extends AbstractBuffer {
    final CudaMemory owner;
    final DType type;
    final long offset;
    final long length;
    /** The device address of the root's block (0 once a root is closed). */
    private long base;

    /** A new root over a device block of {@code length} elements at {@code base}. */
    CudaBuffer(CudaMemory owner, DType type, long length, long base) {
        this.owner = owner;
        this.type = type;
        this.offset = 0;
        this.length = length;
        this.base = base;
    }

    /** A view of {@code length} elements from element {@code offset} of {@code of}. */
    private CudaBuffer(CudaBuffer of, long offset, long length) {
        super(of);
        this.owner = of.owner;
        this.type = of.type;
        this.offset = of.offset + offset;
        this.length = length;
    }

    /** The device address of element 0 of this buffer. */
    long address() {
        return ((CudaBuffer) root()).base + offset * type.bytes();
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
    protected Buffer view(long off, long len) {
        return new CudaBuffer(this, off, len);
    }

    @Override
    protected void release() {
        long block = base;
        base = 0;
        owner.released(this, block);
    }

    @Override
    public String toString() {
        return "CudaBuffer[" + type + " x " + length + (isRoot() ? "" : " @" + offset) + "]";
    }
}

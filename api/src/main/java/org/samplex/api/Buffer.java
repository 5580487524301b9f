package org.samplex.api;

/**
 * A one-dimensional run of elements owned by a {@link Backend}.
 *
 * <p>Ownership: a buffer returned by {@link Backend#allocate} is owned by whoever asked for it and must be
 * closed by that owner (try-with-resources or an owning slab/arena); the garbage collector never frees it.
 * A {@link #slice} is a view: closing a view is a no-op, and a view is unusable once its root is closed.
 * Closing twice is a no-op; any use of a closed buffer throws {@link IllegalStateException}.
 */
public interface Buffer extends AutoCloseable {

    /** The element type. */
    DType dtype();

    /** Number of elements. */
    long length();

    /** A view of {@code length} elements starting at {@code offset}; it shares storage and lifetime with this buffer. */
    Buffer slice(long offset, long length);

    /** Whether the storage behind this buffer has been released. */
    boolean isClosed();

    /** Releases the storage of a root buffer; a no-op for views and for buffers already closed. */
    @Override
    void close();
}

package org.samplex.api;

/**
 * The lifecycle every backend's buffer shares: a root owns storage, a view shares its root's storage and closed flag,
 * closing a root once releases the storage, closing a view or closing twice does nothing, and slicing a closed
 * buffer throws {@link IllegalStateException}. A backend supplies the storage: {@link #view} makes a view and
 * {@link #release} frees a root's storage (and tells its backend, e.g. {@link CheckedMemory#forget}).
 */
public abstract class AbstractBuffer implements Buffer {
    private final AbstractBuffer root;
    private boolean closed;

    /** A new root. */
    protected AbstractBuffer() {
        this.root = this;
    }

    /** A new view of {@code of}'s root (of may itself be a view). */
    protected AbstractBuffer(AbstractBuffer of) {
        this.root = of.root;
    }

    /** Whether this buffer owns its storage (not a view). */
    public final boolean isRoot() {
        return root == this;
    }

    /** The root whose storage this buffer uses (itself for a root). */
    protected final AbstractBuffer root() {
        return root;
    }

    @Override
    public final boolean isClosed() {
        return root.closed;
    }

    /** Throws {@link IllegalStateException} when the root has been closed. */
    public final void ensureOpen() {
        if (root.closed) {
            throw new IllegalStateException("buffer is closed");
        }
    }

    @Override
    public final Buffer slice(long off, long len) {
        ensureOpen();
        KernelChecks.sliceRange(off, len, length());
        return view(off, len);
    }

    /** A view of elements [off, off + len) of this open buffer, the range already checked. */
    protected abstract Buffer view(long off, long len);

    @Override
    public final void close() {
        if (root != this || closed) {
            return;
        }
        closed = true;
        release();
    }

    /** Frees this root's storage; called once, by the first {@link #close}. */
    protected abstract void release();
}

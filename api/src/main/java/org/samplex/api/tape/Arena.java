package org.samplex.api.tape;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.samplex.api.Backend;
import org.samplex.api.Buffer;
import org.samplex.api.DType;

/**
 * The per-step owner of activations and their gradients: a bump allocator over backend buffers.
 *
 * <p>{@link #allocate} hands out slices; {@link #reset} takes them all back at once. When a step needed more
 * than the current chunk, reset replaces the chunks with one chunk of the high-water size, so from the second
 * step on a training loop allocates nothing on the backend. Slices handed out before a reset must not be used
 * after it. Closing the arena releases its chunks; the arena is the only owner of them.
 *
 * <p>A captured step ({@link Tape#beginCapture}) keeps using the slices it was recorded on, so the arena under a
 * live {@link Tape.Graph} must be neither reset nor closed while the graph is replayed; the graph checks
 * {@link #generation} and refuses to replay once either happened. Allocating more slices is fine: a bump allocator
 * never hands out a slice twice between resets.
 */
public final class Arena implements AutoCloseable {
    /** Alignment of every slice, in elements (64 bytes for float32). */
    private static final long ALIGN = 16;

    private final Backend backend;
    private final Map<DType, Pool> pools = new EnumMap<>(DType.class);
    private boolean closed;
    /** Counts resets and the close: slices handed out under one generation are valid while it lasts. */
    private long generation;

    public Arena(Backend backend) {
        this.backend = backend;
    }

    public Backend backend() {
        return backend;
    }

    /** A slice of {@code length} elements of the backend's float type; its contents are unspecified. */
    public Buffer allocate(long length) {
        return allocate(backend.dtype(), length);
    }

    /** A slice of {@code length} elements of {@code type}; its contents are unspecified. */
    public Buffer allocate(DType type, long length) {
        ensureOpen();
        if (length <= 0) {
            throw new IllegalArgumentException("length must be positive, got " + length);
        }
        return pools.computeIfAbsent(type, Pool::new).take(length);
    }

    /** A zero-filled slice of the backend's float type. */
    public Buffer zeros(long length) {
        Buffer b = allocate(length);
        backend.fill(b, 0.0);
        return b;
    }

    /** Takes back every slice handed out since the last reset. */
    public void reset() {
        ensureOpen();
        generation++;
        for (Pool p : pools.values()) {
            p.reset();
        }
    }

    /** Elements reserved on the backend across all types (for tests and diagnostics). */
    public long capacity() {
        long c = 0;
        for (Pool p : pools.values()) {
            c += p.capacity();
        }
        return c;
    }

    /**
     * Changes on every {@link #reset} and on {@link #close}: slices handed out while it had one value are valid
     * exactly as long as it keeps that value.
     */
    long generation() {
        return generation;
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        generation++;
        for (Pool p : pools.values()) {
            p.release();
        }
        pools.clear();
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("arena is closed");
        }
    }

    /** Chunks of one element type; the last chunk is the one being filled. */
    private final class Pool {
        private final DType type;
        private final List<Buffer> chunks = new ArrayList<>();
        private long used;
        private long usedInChunks;

        Pool(DType type) {
            this.type = type;
        }

        Buffer take(long length) {
            long padded = (length + ALIGN - 1) / ALIGN * ALIGN;
            Buffer current = chunks.isEmpty() ? null : chunks.getLast();
            if (current == null || used + padded > current.length()) {
                usedInChunks += used;
                long size = Math.max(padded, current == null ? 1 << 16 : 2 * current.length());
                current = backend.allocate(type, size);
                chunks.add(current);
                used = 0;
            }
            Buffer slice = current.slice(used, length);
            used += padded;
            return slice;
        }

        void reset() {
            if (chunks.size() > 1) {
                long highWater = usedInChunks + used;
                release();
                chunks.add(backend.allocate(type, highWater));
            }
            used = 0;
            usedInChunks = 0;
        }

        long capacity() {
            long c = 0;
            for (Buffer b : chunks) {
                c += b.length();
            }
            return c;
        }

        void release() {
            for (Buffer b : chunks) {
                b.close();
            }
            chunks.clear();
        }
    }
}

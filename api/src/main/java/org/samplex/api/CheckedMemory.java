package org.samplex.api;

import static org.samplex.api.KernelChecks.positive;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import org.samplex.api.rng.RngStream;

/**
 * What every backend does the same about memory, written once: the bookkeeping of root buffers (live buffers, live
 * bytes, closing the ones still open when the backend closes), the closed-state checks, the argument checks of
 * allocation, copies and fills, and the buffer checks every kernel entry point uses ({@link #arg}, {@link #optional},
 * {@link #argAt}). {@link CheckedBackend} adds the checked compute kernels; a backend extends that.
 *
 * <p>Each public method here is final: it checks its arguments, then hands buffers of the backend's own type
 * {@code B} to the protected hook named after it with a {@code Kernel} suffix, which only moves data. A hook may
 * rely on: every buffer is this backend's, open, of the right type and long enough (copies: exactly as long as the
 * host array).
 *
 * <p>Allocation: a check that passes allocates nothing (messages are built only on failure), so a host backend can
 * run every check on every kernel call of a training step without producing garbage.
 *
 * @param <B> the backend's buffer class
 */
public abstract class CheckedMemory<B extends Buffer> implements Backend {
    private final String name;
    private final DType floatType;
    private final Set<B> live = Collections.newSetFromMap(new IdentityHashMap<>());
    private long liveBytes;
    private boolean closed;

    /** A backend named {@code name} computing in {@code floatType} (it also allocates INT32 buffers). */
    protected CheckedMemory(String name, DType floatType) {
        this.name = name;
        this.floatType = floatType;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final DType dtype() {
        return floatType;
    }

    // ---- allocation and bookkeeping ---------------------------------------------------------------------------

    @Override
    public final Buffer allocate(DType type, long length) {
        ensureOpen();
        if (type != floatType && type != DType.INT32) {
            throw new IllegalArgumentException("backend '" + name + "' allocates " + floatType + " or INT32, not "
                    + type);
        }
        if (length <= 0 || length > maxBufferLength()) {
            throw new IllegalArgumentException("buffer length must be in [1, " + maxBufferLength() + "], got "
                    + length);
        }
        B b = allocateKernel(type, length);
        synchronized (this) {
            live.add(b);
            liveBytes += length * type.bytes();
        }
        return b;
    }

    /** A new zero-filled root buffer of {@code length} elements in [1, {@link #maxBufferLength()}]. */
    protected abstract B allocateKernel(DType type, long length);

    /**
     * Takes a root buffer off the live counts; its close calls this. False when it was not live (already forgotten,
     * or the backend released everything), so a device backend frees its storage only once.
     */
    protected final boolean forget(B root) {
        synchronized (this) {
            if (!live.remove(root)) {
                return false;
            }
            liveBytes -= root.length() * root.dtype().bytes();
            return true;
        }
    }

    @Override
    public final synchronized long liveBuffers() {
        return live.size();
    }

    @Override
    public final synchronized long liveBytes() {
        return liveBytes;
    }

    /** Throws {@link IllegalStateException} once the backend is closed. */
    protected final void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("backend '" + name + "' is closed");
        }
    }

    // ---- buffer argument checks ---------------------------------------------------------------------------------

    /** {@code b} as this backend's buffer, or null when it is not one (another backend's, or null). */
    protected abstract B owned(Buffer b);

    /** The buffer as this backend's, open, of the given type and at least {@code need} elements. */
    protected final B arg(String what, Buffer b, DType type, long need) {
        ensureOpen();
        B own = owned(b);
        if (own == null) {
            throw new IllegalArgumentException(what + ": buffer " + b + " does not belong to backend '" + name + "'");
        }
        if (own.isClosed()) {
            throw new IllegalStateException("buffer is closed");
        }
        if (own.dtype() != type) {
            throw new IllegalArgumentException(what + ": expected " + type + ", got " + own.dtype());
        }
        if (own.length() < need) {
            throw new IllegalArgumentException(what + ": needs " + need + " elements, buffer has " + own.length());
        }
        return own;
    }

    /** A float argument of this backend's type. */
    protected final B arg(String what, Buffer b, long need) {
        return arg(what, b, floatType, need);
    }

    /** A float argument that may be null (an unneeded gradient). */
    protected final B optional(String what, Buffer b, long need) {
        return b == null ? null : arg(what, b, floatType, need);
    }

    /**
     * Float element {@code index} of a list argument, checked as {@link #arg} checks it and named
     * {@code what[index]}; the name is built only when the check fails, so a passing check allocates nothing. A null
     * element is returned as null when {@code nullable} (an unneeded gradient).
     */
    protected final B argAt(String what, int index, Buffer b, long need, boolean nullable) {
        if (b == null && nullable) {
            return null;
        }
        B own = owned(b);
        if (!closed && own != null && !own.isClosed() && own.dtype() == floatType && own.length() >= need) {
            return own;
        }
        return arg(what + "[" + index + "]", b, floatType, need);
    }

    // ---- copies -------------------------------------------------------------------------------------------------

    @Override
    public final void copyFromHost(Buffer dst, float[] src) {
        copyFromHostKernel(exact("copyFromHost dst", dst, floatType, src.length), src);
    }

    /** dst has the float type and src.length elements. */
    protected abstract void copyFromHostKernel(B dst, float[] src);

    @Override
    public final void copyFromHost(Buffer dst, double[] src) {
        copyFromHostKernel(exact("copyFromHost dst", dst, floatType, src.length), src);
    }

    /** dst has the float type and src.length elements. */
    protected abstract void copyFromHostKernel(B dst, double[] src);

    @Override
    public final void copyFromHost(Buffer dst, int[] src) {
        B b = arg("copyFromHost dst", dst, DType.INT32, src.length);
        sameLength("copyFromHost", b, src.length);
        copyFromHostKernel(b, src);
    }

    /** dst is INT32 with src.length elements. */
    protected abstract void copyFromHostKernel(B dst, int[] src);

    @Override
    public final void copyToHost(Buffer src, float[] dst) {
        copyToHostKernel(exact("copyToHost src", src, floatType, dst.length), dst);
    }

    /** src has the float type and dst.length elements. */
    protected abstract void copyToHostKernel(B src, float[] dst);

    @Override
    public final void copyToHost(Buffer src, double[] dst) {
        copyToHostKernel(exact("copyToHost src", src, floatType, dst.length), dst);
    }

    /** src has the float type and dst.length elements. */
    protected abstract void copyToHostKernel(B src, double[] dst);

    @Override
    public final void copyToHost(Buffer src, int[] dst) {
        B b = arg("copyToHost src", src, DType.INT32, dst.length);
        sameLength("copyToHost", b, dst.length);
        copyToHostKernel(b, dst);
    }

    /** src is INT32 with dst.length elements. */
    protected abstract void copyToHostKernel(B src, int[] dst);

    @Override
    public final void copy(Buffer dst, Buffer src) {
        B s = arg("copy src", src, src == null ? floatType : src.dtype(), 1);
        B t = arg("copy dst", dst, s.dtype(), s.length());
        sameLength("copy", t, s.length());
        copyKernel(t, s);
    }

    /** dst and src have the same type and length. */
    protected abstract void copyKernel(B dst, B src);

    private B exact(String what, Buffer b, DType type, int n) {
        B own = arg(what, b, type, n);
        sameLength(what, own, n);
        return own;
    }

    private static void sameLength(String what, Buffer b, long n) {
        if (b.length() != n) {
            throw new IllegalArgumentException(what + ": buffer has " + b.length() + " elements, host array " + n);
        }
    }

    // ---- fill and random numbers ----------------------------------------------------------------------------------

    @Override
    public final void fill(Buffer dst, double value) {
        if (dst != null && dst.dtype() == DType.INT32) {
            B t = arg("fill dst", dst, DType.INT32, 1);
            if (value != (int) value) {
                throw new IllegalArgumentException("fill value: an INT32 buffer takes an integer, got " + value);
            }
            fillIntKernel(t, (int) value);
            return;
        }
        fillKernel(arg("fill dst", dst, 1), value);
    }

    /** Every element of the float buffer dst = value. */
    protected abstract void fillKernel(B dst, double value);

    /** Every element of the INT32 buffer dst = value. */
    protected abstract void fillIntKernel(B dst, int value);

    @Override
    public final void fillUniform(Buffer dst, RngStream stream, long substream, double lo, double hi) {
        fillUniformKernel(arg("fillUniform dst", dst, 1), stream, substream, lo, hi);
    }

    /** dst has the float type. */
    protected abstract void fillUniformKernel(B dst, RngStream stream, long substream, double lo, double hi);

    @Override
    public final void fillNormal(Buffer dst, RngStream stream, long substream, double mean, double std) {
        fillNormalKernel(arg("fillNormal dst", dst, 1), stream, substream, mean, std);
    }

    /** dst has the float type. */
    protected abstract void fillNormalKernel(B dst, RngStream stream, long substream, double mean, double std);

    @Override
    public final void fillUniformInt(Buffer dst, RngStream stream, long substream, int bound) {
        B t = arg("fillUniformInt dst", dst, DType.INT32, 1);
        positive("fillUniformInt bound", bound);
        fillUniformIntKernel(t, stream, substream, bound);
    }

    /** dst is INT32; bound is positive. */
    protected abstract void fillUniformIntKernel(B dst, RngStream stream, long substream, int bound);

    // ---- lifecycle ----------------------------------------------------------------------------------------------

    /** Releases the backend's own resources (thread pools, device context); called once, by {@link #close}. */
    protected void releaseResources() {
    }

    /** Closes every root buffer still open, then {@link #releaseResources}. Closing twice is a no-op. */
    @Override
    public final void close() {
        Buffer[] open;
        synchronized (this) {
            if (closed) {
                return;
            }
            open = live.toArray(Buffer[]::new);
        }
        try {
            for (Buffer b : open) {
                b.close();
            }
        } finally {
            synchronized (this) {
                closed = true;
            }
            releaseResources();
        }
    }
}

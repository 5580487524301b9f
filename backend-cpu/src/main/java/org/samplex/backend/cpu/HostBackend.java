package org.samplex.backend.cpu;

import static org.samplex.api.KernelChecks.positive;

import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import org.samplex.api.Backend;
import org.samplex.api.Buffer;
import org.samplex.api.DType;
import org.samplex.api.rng.RngStream;

/**
 * What the two host backends share about memory: heap buffers, their bookkeeping, host copies, fills and the
 * buffer argument checks. {@link HostKernels} adds the checked entry points of the compute kernels; the kernels
 * themselves live in {@link ReferenceBackend} (float64, scalar, one thread) and {@link CpuBackend} (float32,
 * threads, Vector API), behind protected hooks named after each method with a {@code Kernel} suffix.
 */
abstract class HostBackend implements Backend {
    private final String name;
    private final DType floatType;
    private final Set<HostBuffer> live = Collections.newSetFromMap(new IdentityHashMap<>());
    private long liveBytes;
    private boolean closed;

    HostBackend(String name, DType floatType) {
        this.name = name;
        this.floatType = floatType;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public DType dtype() {
        return floatType;
    }

    @Override
    public synchronized Buffer allocate(DType type, long length) {
        ensureOpen();
        if (type != floatType && type != DType.INT32) {
            throw new IllegalArgumentException("backend '" + name + "' allocates " + floatType + " or INT32, not "
                    + type);
        }
        if (length <= 0 || length > maxBufferLength()) {
            throw new IllegalArgumentException("buffer length must be in [1, " + maxBufferLength() + "], got "
                    + length);
        }
        HostBuffer b = new HostBuffer(this, type, (int) length);
        live.add(b);
        liveBytes += length * type.bytes();
        return b;
    }

    synchronized void released(HostBuffer b) {
        if (live.remove(b)) {
            liveBytes -= (long) b.length * b.type.bytes();
        }
    }

    @Override
    public synchronized long liveBuffers() {
        return live.size();
    }

    @Override
    public synchronized long liveBytes() {
        return liveBytes;
    }

    /** Buffers are Java arrays: the heap's limit less what is in use (garbage counts as used: a lower bound). */
    @Override
    public long memoryAvailable() {
        Runtime rt = Runtime.getRuntime();
        return rt.maxMemory() == Long.MAX_VALUE ? -1 : rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    }

    /** The buffer as this backend's, open, of the given type and at least {@code need} elements. */
    final HostBuffer arg(String what, Buffer b, DType type, long need) {
        ensureOpen();
        if (!(b instanceof HostBuffer hb) || hb.owner != this) {
            throw new IllegalArgumentException(what + ": buffer " + b + " does not belong to backend '" + name + "'");
        }
        hb.ensureOpen();
        if (hb.type != type) {
            throw new IllegalArgumentException(what + ": expected " + type + ", got " + hb.type);
        }
        if (hb.length < need) {
            throw new IllegalArgumentException(what + ": needs " + need + " elements, buffer has " + hb.length);
        }
        return hb;
    }

    /** A float argument of this backend's type. */
    final HostBuffer arg(String what, Buffer b, long need) {
        return arg(what, b, floatType, need);
    }

    /** A float argument that may be null (an unneeded gradient). */
    final HostBuffer optional(String what, Buffer b, long need) {
        return b == null ? null : arg(what, b, floatType, need);
    }

    /**
     * Float element {@code index} of a list argument, checked as {@link #arg} checks it and named
     * {@code what[index]}; the name is built only when the check fails, so a passing check allocates nothing. A null
     * element is returned as null when {@code nullable} (an unneeded gradient).
     */
    final HostBuffer argAt(String what, int index, Buffer b, long need, boolean nullable) {
        if (b == null && nullable) {
            return null;
        }
        if (!closed && b instanceof HostBuffer hb && hb.owner == this && !hb.isClosed() && hb.type == floatType
                && hb.length >= need) {
            return hb;
        }
        return arg(what + "[" + index + "]", b, floatType, need);
    }

    @Override
    public void copyFromHost(Buffer dst, float[] src) {
        HostBuffer b = exact("copyFromHost dst", dst, src.length);
        for (int k = 0; k < src.length; k++) {
            store(b, k, src[k]);
        }
    }

    @Override
    public void copyFromHost(Buffer dst, double[] src) {
        HostBuffer b = exact("copyFromHost dst", dst, src.length);
        for (int k = 0; k < src.length; k++) {
            store(b, k, src[k]);
        }
    }

    @Override
    public void copyFromHost(Buffer dst, int[] src) {
        HostBuffer b = arg("copyFromHost dst", dst, DType.INT32, src.length);
        sameLength("copyFromHost", b, src.length);
        System.arraycopy(src, 0, b.i, b.offset, src.length);
    }

    @Override
    public void copyToHost(Buffer src, float[] dst) {
        HostBuffer b = exact("copyToHost src", src, dst.length);
        for (int k = 0; k < dst.length; k++) {
            dst[k] = (float) load(b, k);
        }
    }

    @Override
    public void copyToHost(Buffer src, double[] dst) {
        HostBuffer b = exact("copyToHost src", src, dst.length);
        for (int k = 0; k < dst.length; k++) {
            dst[k] = load(b, k);
        }
    }

    @Override
    public void copyToHost(Buffer src, int[] dst) {
        HostBuffer b = arg("copyToHost src", src, DType.INT32, dst.length);
        sameLength("copyToHost", b, dst.length);
        System.arraycopy(b.i, b.offset, dst, 0, dst.length);
    }

    @Override
    public void copy(Buffer dst, Buffer src) {
        HostBuffer s = arg("copy src", src, src.dtype(), 1);
        HostBuffer t = arg("copy dst", dst, s.type, s.length);
        sameLength("copy", t, s.length);
        Object from = s.f != null ? s.f : s.d != null ? s.d : s.i;
        Object to = t.f != null ? t.f : t.d != null ? t.d : t.i;
        System.arraycopy(from, s.offset, to, t.offset, s.length);
    }

    // ---- fill and random numbers --------------------------------------------------------------------------

    @Override
    public final void fill(Buffer dst, double value) {
        if (dst != null && dst.dtype() == DType.INT32) {
            HostBuffer t = arg("fill dst", dst, DType.INT32, 1);
            if (value != (int) value) {
                throw new IllegalArgumentException("fill value: an INT32 buffer takes an integer, got " + value);
            }
            Arrays.fill(t.i, t.offset, t.offset + t.length, (int) value);
            return;
        }
        fillKernel(arg("fill dst", dst, 1), value);
    }

    /** Every element of the float buffer dst = value. */
    protected abstract void fillKernel(HostBuffer dst, double value);

    @Override
    public final void fillUniform(Buffer dst, RngStream stream, long substream, double lo, double hi) {
        fillUniformKernel(arg("fillUniform dst", dst, 1), stream, substream, lo, hi);
    }

    protected abstract void fillUniformKernel(HostBuffer dst, RngStream stream, long substream, double lo,
                                              double hi);

    @Override
    public final void fillNormal(Buffer dst, RngStream stream, long substream, double mean, double std) {
        fillNormalKernel(arg("fillNormal dst", dst, 1), stream, substream, mean, std);
    }

    protected abstract void fillNormalKernel(HostBuffer dst, RngStream stream, long substream, double mean,
                                             double std);

    @Override
    public final void fillUniformInt(Buffer dst, RngStream stream, long substream, int bound) {
        HostBuffer t = arg("fillUniformInt dst", dst, DType.INT32, 1);
        positive("fillUniformInt bound", bound);
        fillUniformIntKernel(t, stream, substream, bound);
    }

    /** dst is INT32. */
    protected abstract void fillUniformIntKernel(HostBuffer dst, RngStream stream, long substream, int bound);

    private HostBuffer exact(String what, Buffer b, int n) {
        HostBuffer hb = arg(what, b, floatType, n);
        sameLength(what, hb, n);
        return hb;
    }

    private static void sameLength(String what, HostBuffer b, long n) {
        if (b.length != n) {
            throw new IllegalArgumentException(what + ": buffer has " + b.length + " elements, host array " + n);
        }
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

    final void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("backend '" + name + "' is closed");
        }
    }

    /** Releases subclass resources (thread pools); called once by {@link #close}. */
    void releaseResources() {
    }

    @Override
    public final void close() {
        HostBuffer[] open;
        synchronized (this) {
            if (closed) {
                return;
            }
            open = live.toArray(HostBuffer[]::new);
        }
        for (HostBuffer b : open) {
            b.close();
        }
        synchronized (this) {
            closed = true;
        }
        releaseResources();
    }
}

package org.samplex.backend.cuda;

import static org.samplex.api.KernelChecks.positive;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.samplex.api.Backend;
import org.samplex.api.Buffer;
import org.samplex.api.DType;
import org.samplex.api.rng.RngStream;

/**
 * What the cuda backend does about memory: device buffers and their bookkeeping, host and device copies, the
 * fills, the buffer argument checks (with the host backends' messages) and closing. {@link CudaBackend} adds the
 * kernels.
 */
abstract class CudaMemory implements Backend {
    static final int THREADS = 256;
    private static final int MAX_BLOCKS = 1 << 20;

    final CudaDevice device;
    private final Set<CudaBuffer> live = Collections.newSetFromMap(new IdentityHashMap<>());
    private long liveBytes;
    private boolean closed;

    CudaMemory(CudaDevice device) {
        this.device = device;
    }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public DType dtype() {
        return DType.FLOAT32;
    }

    @Override
    public int threads() {
        return 1;
    }

    @Override
    public Buffer allocate(DType type, long length) {
        ensureOpen();
        if (type != DType.FLOAT32 && type != DType.INT32) {
            throw new IllegalArgumentException("backend 'cuda' allocates FLOAT32 or INT32, not " + type);
        }
        if (length <= 0 || length > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("buffer length must be in [1, " + (Integer.MAX_VALUE - 64)
                    + "], got " + length);
        }
        long block = device.allocate(length * type.bytes());
        try {
            device.set32(block, 0, length);
        } catch (RuntimeException e) {
            device.free(block);
            throw e;
        }
        CudaBuffer b = new CudaBuffer(this, type, length, block);
        synchronized (this) {
            live.add(b);
            liveBytes += b.bytes();
        }
        return b;
    }

    /** Called by a root buffer's close: frees its block (unless the backend already released everything). */
    void released(CudaBuffer b, long block) {
        synchronized (this) {
            if (!live.remove(b)) {
                return;
            }
            liveBytes -= b.bytes();
        }
        device.free(block);
    }

    @Override
    public synchronized long liveBuffers() {
        return live.size();
    }

    @Override
    public synchronized long liveBytes() {
        return liveBytes;
    }

    /** Device memory in use on the whole device (cuMemGetInfo), for leak tests. */
    long deviceMemoryInUse() {
        ensureOpen();
        return device.memoryInUse();
    }

    // ---- argument checks --------------------------------------------------------------------------------------

    /** The buffer as this backend's, open, of the given type and at least {@code need} elements. */
    final CudaBuffer arg(String what, Buffer b, DType type, long need) {
        ensureOpen();
        if (!(b instanceof CudaBuffer cb) || cb.owner != this) {
            throw new IllegalArgumentException(what + ": buffer " + b + " does not belong to backend 'cuda'");
        }
        cb.ensureOpen();
        if (cb.type != type) {
            throw new IllegalArgumentException(what + ": expected " + type + ", got " + cb.type);
        }
        if (cb.length < need) {
            throw new IllegalArgumentException(what + ": needs " + need + " elements, buffer has " + cb.length);
        }
        return cb;
    }

    /** A FLOAT32 argument. */
    final CudaBuffer arg(String what, Buffer b, long need) {
        return arg(what, b, DType.FLOAT32, need);
    }

    /** A FLOAT32 argument that may be null (an unneeded gradient). */
    final CudaBuffer optional(String what, Buffer b, long need) {
        return b == null ? null : arg(what, b, DType.FLOAT32, need);
    }

    /** The device address of a buffer, 0 for null (kernels skip null gradients). */
    static Long ptr(CudaBuffer b) {
        return b == null ? 0L : b.address();
    }

    /** Blocks of {@link #THREADS} for a grid-stride loop over {@code work} items. */
    static int blocks(long work) {
        return (int) Math.max(1, Math.min(MAX_BLOCKS, (work + THREADS - 1) / THREADS));
    }

    /** A one-dimensional launch over {@code work} items of a grid-stride kernel. */
    final void run(String family, String kernel, long work, Object... args) {
        device.launch(family, kernel, blocks(work), 1, 1, THREADS, 0, args);
    }

    // ---- copies -----------------------------------------------------------------------------------------------

    @Override
    public void copyFromHost(Buffer dst, float[] src) {
        CudaBuffer b = exact("copyFromHost dst", dst, DType.FLOAT32, src.length);
        try (FloatPointer host = new FloatPointer(src)) {
            device.toDevice(b.address(), host, b.bytes());
        }
    }

    @Override
    public void copyFromHost(Buffer dst, double[] src) {
        CudaBuffer b = exact("copyFromHost dst", dst, DType.FLOAT32, src.length);
        float[] rounded = new float[src.length];
        for (int k = 0; k < src.length; k++) {
            rounded[k] = (float) src[k];
        }
        try (FloatPointer host = new FloatPointer(rounded)) {
            device.toDevice(b.address(), host, b.bytes());
        }
    }

    @Override
    public void copyFromHost(Buffer dst, int[] src) {
        CudaBuffer b = exact("copyFromHost", dst, DType.INT32, src.length);
        try (IntPointer host = new IntPointer(src)) {
            device.toDevice(b.address(), host, b.bytes());
        }
    }

    @Override
    public void copyToHost(Buffer src, float[] dst) {
        CudaBuffer b = exact("copyToHost src", src, DType.FLOAT32, dst.length);
        try (FloatPointer host = new FloatPointer(dst.length)) {
            device.toHost(host, b.address(), b.bytes());
            host.get(dst);
        }
    }

    @Override
    public void copyToHost(Buffer src, double[] dst) {
        float[] values = new float[dst.length];
        copyToHost(src, values);
        for (int k = 0; k < dst.length; k++) {
            dst[k] = values[k];
        }
    }

    @Override
    public void copyToHost(Buffer src, int[] dst) {
        CudaBuffer b = exact("copyToHost", src, DType.INT32, dst.length);
        try (IntPointer host = new IntPointer(dst.length)) {
            device.toHost(host, b.address(), b.bytes());
            host.get(dst);
        }
    }

    /** Device-to-host copy of the first n ints of an INT32 buffer (indices checked on the host). */
    final int[] readInts(CudaBuffer b, int n) {
        int[] out = new int[n];
        try (IntPointer host = new IntPointer(n)) {
            device.toHost(host, b.address(), 4L * n);
            host.get(out);
        }
        return out;
    }

    @Override
    public void copy(Buffer dst, Buffer src) {
        CudaBuffer s = arg("copy src", src, src == null ? DType.FLOAT32 : src.dtype(), 1);
        CudaBuffer t = arg("copy dst", dst, s.type, s.length);
        sameLength("copy", t, s.length);
        device.deviceToDevice(t.address(), s.address(), s.bytes());
    }

    private CudaBuffer exact(String what, Buffer b, DType type, int n) {
        CudaBuffer cb = arg(what, b, type, n);
        sameLength(what, cb, n);
        return cb;
    }

    private static void sameLength(String what, CudaBuffer b, long n) {
        if (b.length != n) {
            throw new IllegalArgumentException(what + ": buffer has " + b.length + " elements, host array " + n);
        }
    }

    // ---- fill and random numbers --------------------------------------------------------------------------

    @Override
    public final void fill(Buffer dst, double value) {
        if (dst != null && dst.dtype() == DType.INT32) {
            CudaBuffer t = arg("fill dst", dst, DType.INT32, 1);
            if (value != (int) value) {
                throw new IllegalArgumentException("fill value: an INT32 buffer takes an integer, got " + value);
            }
            device.set32(t.address(), (int) value, t.length);
            return;
        }
        CudaBuffer t = arg("fill dst", dst, 1);
        device.set32(t.address(), Float.floatToRawIntBits((float) value), t.length);
    }

    @Override
    public final void fillUniform(Buffer dst, RngStream stream, long substream, double lo, double hi) {
        CudaBuffer t = arg("fillUniform dst", dst, 1);
        run("random", "fill_uniform", (t.length + 3) / 4, t.address(), t.length, stream.k0(), stream.k1(), substream,
                lo, hi);
    }

    @Override
    public final void fillNormal(Buffer dst, RngStream stream, long substream, double mean, double std) {
        CudaBuffer t = arg("fillNormal dst", dst, 1);
        run("random", "fill_normal", (t.length + 1) / 2, t.address(), t.length, stream.k0(), stream.k1(), substream,
                mean, std);
    }

    @Override
    public final void fillUniformInt(Buffer dst, RngStream stream, long substream, int bound) {
        CudaBuffer t = arg("fillUniformInt dst", dst, DType.INT32, 1);
        positive("fillUniformInt bound", bound);
        run("random", "fill_uniform_int", (t.length + 3) / 4, t.address(), t.length, stream.k0(), stream.k1(),
                substream, bound);
    }

    // ---- lifecycle ----------------------------------------------------------------------------------------------

    @Override
    public void synchronize() {
        ensureOpen();
        device.synchronize();
    }

    final void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("backend 'cuda' is closed");
        }
    }

    @Override
    public final void close() {
        CudaBuffer[] open;
        synchronized (this) {
            if (closed) {
                return;
            }
            open = live.toArray(CudaBuffer[]::new);
        }
        try {
            for (CudaBuffer b : open) {
                b.close();
            }
        } finally {
            synchronized (this) {
                closed = true;
            }
            device.close();
        }
    }
}

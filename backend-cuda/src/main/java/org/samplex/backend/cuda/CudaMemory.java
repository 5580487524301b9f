package org.samplex.backend.cuda;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.samplex.api.Buffer;
import org.samplex.api.CheckedBackend;
import org.samplex.api.DType;
import org.samplex.api.KernelChecks;
import org.samplex.api.rng.RngStream;

/**
 * What the cuda backend does about memory: device buffers, host and device copies, the fills and closing the device.
 * The argument checks (the host backends' messages) and the buffer bookkeeping are api's {@link CheckedBackend};
 * {@link CudaBackend} adds the kernels.
 */
abstract class CudaMemory extends CheckedBackend<CudaBuffer> {
    static final int THREADS = 256;
    private static final int MAX_BLOCKS = 1 << 20;

    final CudaDevice device;
    /** qSTR generation's scratch and tables on this device ({@link CudaBackend#qstrPrompts}). */
    final CudaQstr qstr;
    /** The indices the last {@link #checkIndices} read to the host, for the gather hook that follows it. */
    int[] checkedIndices;

    CudaMemory(CudaDevice device) {
        super("cuda", DType.FLOAT32);
        this.device = device;
        this.qstr = new CudaQstr(device);
    }

    @Override
    public int threads() {
        return 1;
    }

    @Override
    protected final CudaBuffer allocateKernel(DType type, long length) {
        long block = device.allocate(length * type.bytes());
        try {
            device.set32(block, 0, length);
        } catch (RuntimeException e) {
            device.free(block);
            throw e;
        }
        return new CudaBuffer(this, type, length, block);
    }

    /** Called by a root buffer's close: frees its block (unless the backend already released everything). */
    final void released(CudaBuffer b, long block) {
        if (forget(b)) {
            device.free(block);
        }
    }

    @Override
    protected final CudaBuffer owned(Buffer b) {
        return b instanceof CudaBuffer cb && cb.owner == this ? cb : null;
    }

    /** Device memory in use on the whole device (cuMemGetInfo), for leak tests. */
    long deviceMemoryInUse() {
        ensureOpen();
        return device.memoryInUse();
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
    protected final void copyFromHostKernel(CudaBuffer dst, float[] src) {
        try (FloatPointer host = new FloatPointer(src)) {
            device.toDevice(dst.address(), host, dst.bytes());
        }
    }

    @Override
    protected final void copyFromHostKernel(CudaBuffer dst, double[] src) {
        float[] rounded = new float[src.length];
        for (int k = 0; k < src.length; k++) {
            rounded[k] = (float) src[k];
        }
        copyFromHostKernel(dst, rounded);
    }

    @Override
    protected final void copyFromHostKernel(CudaBuffer dst, int[] src) {
        try (IntPointer host = new IntPointer(src)) {
            device.toDevice(dst.address(), host, dst.bytes());
        }
    }

    @Override
    protected final void copyToHostKernel(CudaBuffer src, float[] dst) {
        try (FloatPointer host = new FloatPointer(dst.length)) {
            device.toHost(host, src.address(), src.bytes());
            host.get(dst);
        }
    }

    @Override
    protected final void copyToHostKernel(CudaBuffer src, double[] dst) {
        float[] values = new float[dst.length];
        copyToHostKernel(src, values);
        for (int k = 0; k < dst.length; k++) {
            dst[k] = values[k];
        }
    }

    @Override
    protected final void copyToHostKernel(CudaBuffer src, int[] dst) {
        try (IntPointer host = new IntPointer(dst.length)) {
            device.toHost(host, src.address(), src.bytes());
            host.get(dst);
        }
    }

    @Override
    protected final void copyKernel(CudaBuffer dst, CudaBuffer src) {
        device.deviceToDevice(dst.address(), src.address(), src.bytes());
    }

    /** Reads the first n indices to the host (kept in {@link #checkedIndices}) and checks them there. */
    @Override
    protected final void checkIndices(String what, CudaBuffer index, int n, int tableRows) {
        int[] indices = new int[n];
        try (IntPointer host = new IntPointer(n)) {
            device.toHost(host, index.address(), 4L * n);
            host.get(indices);
        }
        KernelChecks.checkIndices(what, indices, tableRows);
        checkedIndices = indices;
    }

    // ---- fill and random numbers --------------------------------------------------------------------------

    @Override
    protected final void fillKernel(CudaBuffer dst, double value) {
        device.set32(dst.address(), Float.floatToRawIntBits((float) value), dst.length);
    }

    @Override
    protected final void fillIntKernel(CudaBuffer dst, int value) {
        device.set32(dst.address(), value, dst.length);
    }

    @Override
    protected final void fillUniformKernel(CudaBuffer dst, RngStream stream, long substream, double lo, double hi) {
        run("random", "fill_uniform", (dst.length + 3) / 4, dst.address(), dst.length, stream.k0(), stream.k1(),
                substream, lo, hi);
    }

    @Override
    protected final void fillNormalKernel(CudaBuffer dst, RngStream stream, long substream, double mean,
                                          double std) {
        run("random", "fill_normal", (dst.length + 1) / 2, dst.address(), dst.length, stream.k0(), stream.k1(),
                substream, mean, std);
    }

    @Override
    protected final void fillUniformIntKernel(CudaBuffer dst, RngStream stream, long substream, int bound) {
        run("random", "fill_uniform_int", (dst.length + 3) / 4, dst.address(), dst.length, stream.k0(), stream.k1(),
                substream, bound);
    }

    // ---- lifecycle ----------------------------------------------------------------------------------------------

    @Override
    public void synchronize() {
        ensureOpen();
        device.synchronize();
    }

    /** Closes the device once the buffers still open have been freed. */
    @Override
    protected final void releaseResources() {
        qstr.close();
        device.close();
    }
}

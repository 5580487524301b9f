package org.samplex.backend.cuda;

import static org.samplex.backend.cuda.Cuda.bytes;
import static org.samplex.backend.cuda.Cuda.check;
import static org.samplex.backend.cuda.Cuda.checkBlas;
import static org.samplex.backend.cuda.Cuda.deviceFloats;

import java.util.HashMap;
import java.util.Map;
import org.bytedeco.cuda.cublas.cublasContext;
import org.bytedeco.cuda.cudart.CUctx_st;
import org.bytedeco.cuda.cudart.CUfunc_st;
import org.bytedeco.cuda.cudart.CUmod_st;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.SizeTPointer;

/**
 * The native side of one backend: a reference to the device's primary context, the kernel modules (compiled on
 * first use), a cuBLAS handle, a growable scratch block and the host memory that passes launch arguments. All
 * work goes to the legacy default stream, so kernels, cuBLAS calls and copies run in the order they are issued.
 * Every method is synchronized and makes the context current on the calling thread first.
 */
final class CudaDevice implements AutoCloseable {
    private static final int MAX_ARGS = 16;

    private final int device;
    private final CUctx_st context = new CUctx_st();
    private final int major;
    private final int minor;
    private final String name;
    private final KernelCompiler compiler;
    private final Map<String, CUmod_st> modules = new HashMap<>();
    private final Map<String, CUfunc_st> functions = new HashMap<>();
    private final BytePointer argSlots = new BytePointer(8L * MAX_ARGS);
    private final PointerPointer<Pointer> argPointers = new PointerPointer<>(MAX_ARGS);
    private final FloatPointer alpha = new FloatPointer(1);
    private final FloatPointer beta = new FloatPointer(1);
    private cublasContext blas;
    private Thread current;
    private long scratch;
    private long scratchBytes;
    private boolean retained;
    private boolean closed;

    /** Retains device {@code ordinal}'s primary context and creates a cuBLAS handle (TF32 only when asked). */
    CudaDevice(int ordinal, boolean tf32) {
        check("cuInit", cudart.cuInit(0));
        int[] dev = {0};
        check("cuDeviceGet of device " + ordinal, cudart.cuDeviceGet(dev, ordinal));
        this.device = dev[0];
        int[] value = {0};
        check("cuDeviceGetAttribute", cudart.cuDeviceGetAttribute(value,
                cudart.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device));
        this.major = value[0];
        check("cuDeviceGetAttribute", cudart.cuDeviceGetAttribute(value,
                cudart.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device));
        this.minor = value[0];
        byte[] raw = new byte[256];
        check("cuDeviceGetName", cudart.cuDeviceGetName(raw, raw.length, device));
        int len = 0;
        while (len < raw.length && raw[len] != 0) {
            len++;
        }
        this.name = new String(raw, 0, len, java.nio.charset.StandardCharsets.UTF_8);
        this.compiler = new KernelCompiler(major, minor);
        for (int i = 0; i < MAX_ARGS; i++) {
            argPointers.put(i, Cuda.at(argSlots.address() + 8L * i));
        }
        check("cuDevicePrimaryCtxRetain", cudart.cuDevicePrimaryCtxRetain(context, device));
        retained = true;
        try {
            makeCurrent();
            cublasContext handle = new cublasContext();
            checkBlas("cublasCreate", cublas.cublasCreate_v2(handle));
            blas = handle;
            checkBlas("cublasSetMathMode", cublas.cublasSetMathMode(blas,
                    tf32 ? cublas.CUBLAS_TF32_TENSOR_OP_MATH : cublas.CUBLAS_DEFAULT_MATH));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** "NVIDIA H200, compute capability 9.0". */
    String describe() {
        return name + ", compute capability " + major + "." + minor;
    }

    private void makeCurrent() {
        if (closed) {
            throw new IllegalStateException("the CUDA device of this backend is closed");
        }
        Thread t = Thread.currentThread();
        if (t != current) {
            check("cuCtxSetCurrent", cudart.cuCtxSetCurrent(context));
            current = t;
        }
    }

    // ---- memory -------------------------------------------------------------------------------------------

    synchronized long allocate(long bytes) {
        makeCurrent();
        long[] ptr = {0};
        check("cuMemAlloc of " + bytes(bytes), cudart.cuMemAlloc(ptr, bytes));
        return ptr[0];
    }

    synchronized void free(long address) {
        makeCurrent();
        check("cuMemFree", cudart.cuMemFree(address));
    }

    /** count 32-bit words at {@code address} = word. */
    synchronized void set32(long address, int word, long count) {
        makeCurrent();
        check("cuMemsetD32 of " + bytes(4 * count), cudart.cuMemsetD32(address, word, count));
    }

    synchronized void toDevice(long address, Pointer host, long bytes) {
        makeCurrent();
        check("cuMemcpyHtoD of " + bytes(bytes), cudart.cuMemcpyHtoD(address, host, bytes));
    }

    synchronized void toHost(Pointer host, long address, long bytes) {
        makeCurrent();
        check("cuMemcpyDtoH of " + bytes(bytes), cudart.cuMemcpyDtoH(host, address, bytes));
    }

    synchronized void deviceToDevice(long dst, long src, long bytes) {
        makeCurrent();
        check("cuMemcpyDtoD of " + bytes(bytes), cudart.cuMemcpyDtoD(dst, src, bytes));
    }

    /** A device block of at least {@code bytes} this backend reuses between calls (stream order keeps it safe). */
    synchronized long scratch(long bytes) {
        makeCurrent();
        if (bytes > scratchBytes) {
            if (scratch != 0) {
                check("cuCtxSynchronize", cudart.cuCtxSynchronize());
                check("cuMemFree", cudart.cuMemFree(scratch));
                scratch = 0;
                scratchBytes = 0;
            }
            long size = Math.max(bytes, 1L << 16);
            long[] ptr = {0};
            check("cuMemAlloc of " + bytes(size), cudart.cuMemAlloc(ptr, size));
            scratch = ptr[0];
            scratchBytes = size;
        }
        return scratch;
    }

    synchronized void synchronize() {
        makeCurrent();
        check("cuCtxSynchronize", cudart.cuCtxSynchronize());
    }

    /** Device memory in use (total - free, cuMemGetInfo), for leak tests. */
    synchronized long memoryInUse() {
        makeCurrent();
        try (SizeTPointer free = new SizeTPointer(1); SizeTPointer total = new SizeTPointer(1)) {
            check("cuMemGetInfo", cudart.cuMemGetInfo(free, total));
            return total.get() - free.get();
        }
    }

    // ---- kernels ----------------------------------------------------------------------------------------------

    /**
     * Launches {@code kernel} of {@code family}.cu. Arguments are passed by their Java type: Long for device
     * addresses and 64-bit integers, Integer, Float, Double.
     */
    synchronized void launch(String family, String kernel, int gridX, int gridY, int gridZ, int block,
                             int sharedBytes, Object... args) {
        makeCurrent();
        CUfunc_st f = function(family, kernel);
        for (int i = 0; i < args.length; i++) {
            long at = 8L * i;
            switch (args[i]) {
                case Long v -> argSlots.putLong(at, v);
                case Integer v -> argSlots.putInt(at, v);
                case Float v -> argSlots.putFloat(at, v);
                case Double v -> argSlots.putDouble(at, v);
                default -> throw new IllegalArgumentException("kernel argument " + i + " of " + kernel + ": "
                        + args[i]);
            }
        }
        check("cuLaunchKernel of " + kernel + " (grid " + gridX + "x" + gridY + "x" + gridZ + ")",
                cudart.cuLaunchKernel(f, gridX, gridY, gridZ, block, 1, 1, sharedBytes, (CUstream_st) null,
                        argPointers, (PointerPointer<?>) null));
    }

    private CUfunc_st function(String family, String kernel) {
        String key = family + "/" + kernel;
        CUfunc_st f = functions.get(key);
        if (f == null) {
            f = new CUfunc_st();
            check("cuModuleGetFunction of " + kernel, cudart.cuModuleGetFunction(f, module(family), kernel));
            functions.put(key, f);
        }
        return f;
    }

    private CUmod_st module(String family) {
        CUmod_st m = modules.get(family);
        if (m == null) {
            byte[] cubin = compiler.cubin(family);
            m = new CUmod_st();
            try (BytePointer image = new BytePointer(cubin)) {
                check("cuModuleLoadData of " + family + ".cu (" + bytes(cubin.length) + ")",
                        cudart.cuModuleLoadData(m, image));
            }
            modules.put(family, m);
        }
        return m;
    }

    // ---- gemm -------------------------------------------------------------------------------------------------

    /**
     * Row-major C = alpha op(A) op(B) + beta C through column-major cuBLAS: a row-major matrix is the column-major
     * storage of its transpose, and C^T = op(B)^T op(A)^T, so the operands swap places and keep their transposes.
     */
    synchronized void sgemm(boolean transA, boolean transB, int m, int n, int k, float alphaValue,
                            long a, int lda, long strideA, long b, int ldb, long strideB,
                            float betaValue, long c, int ldc, long strideC, int batch) {
        makeCurrent();
        alpha.put(alphaValue);
        beta.put(betaValue);
        int opA = transA ? cublas.CUBLAS_OP_T : cublas.CUBLAS_OP_N;
        int opB = transB ? cublas.CUBLAS_OP_T : cublas.CUBLAS_OP_N;
        if (batch == 1) {
            checkBlas("cublasSgemm (" + m + "x" + n + "x" + k + ")", cublas.cublasSgemm_v2(blas, opB, opA, n, m, k,
                    alpha, deviceFloats(b), ldb, deviceFloats(a), lda, beta, deviceFloats(c), ldc));
        } else {
            checkBlas("cublasSgemmStridedBatched (" + batch + " x " + m + "x" + n + "x" + k + ")",
                    cublas.cublasSgemmStridedBatched(blas, opB, opA, n, m, k, alpha, deviceFloats(b), ldb, strideB,
                            deviceFloats(a), lda, strideA, beta, deviceFloats(c), ldc, strideC, batch));
        }
    }

    /**
     * Releases the modules, the cuBLAS handle, the scratch block and the context reference. Failures while
     * releasing are collected and thrown after everything was tried.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        CudaException failure = null;
        try {
            makeCurrent();
            check("cuCtxSynchronize", cudart.cuCtxSynchronize());
        } catch (CudaException e) {
            failure = e;
        }
        closed = true;
        if (blas != null) {
            failure = keep(failure, () -> checkBlas("cublasDestroy", cublas.cublasDestroy_v2(blas)));
            blas = null;
        }
        for (Map.Entry<String, CUmod_st> e : modules.entrySet()) {
            failure = keep(failure, () -> check("cuModuleUnload of " + e.getKey(), cudart.cuModuleUnload(e.getValue())));
        }
        modules.clear();
        functions.clear();
        if (scratch != 0) {
            long block = scratch;
            failure = keep(failure, () -> check("cuMemFree", cudart.cuMemFree(block)));
            scratch = 0;
        }
        if (retained) {
            failure = keep(failure, () -> check("cuDevicePrimaryCtxRelease",
                    cudart.cuDevicePrimaryCtxRelease(device)));
        }
        argPointers.close();
        argSlots.close();
        alpha.close();
        beta.close();
        if (failure != null) {
            throw failure;
        }
    }

    private static CudaException keep(CudaException first, Runnable release) {
        try {
            release.run();
            return first;
        } catch (CudaException e) {
            return first != null ? first : e;
        }
    }
}

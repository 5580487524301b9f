package org.samplex.backend.cuda;

import static org.bytedeco.cuda.global.cudart.CUDA_SUCCESS;

import java.nio.charset.StandardCharsets;
import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.cuda.global.nvrtc;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

/** Status checks of the three native APIs, and device addresses as JavaCPP pointers. */
final class Cuda {
    private Cuda() {
    }

    /** Throws a {@link CudaException} "call: STATUS_NAME (code)" unless the driver call succeeded. */
    static void check(String call, int status) {
        if (status != CUDA_SUCCESS) {
            throw new CudaException(call + ": " + errorName(status));
        }
    }

    /** The same for a cuBLAS status. */
    static void checkBlas(String call, int status) {
        if (status != cublas.CUBLAS_STATUS_SUCCESS) {
            throw new CudaException(call + ": " + name(cublas.cublasGetStatusName(status), status));
        }
    }

    /** The same for an NVRTC result. */
    static void checkNvrtc(String call, int status) {
        if (status != nvrtc.NVRTC_SUCCESS) {
            throw new CudaException(call + ": " + nvrtcName(status));
        }
    }

    static String nvrtcName(int status) {
        return name(nvrtc.nvrtcGetErrorString(status), status);
    }

    /** "CUDA_ERROR_OUT_OF_MEMORY (2)": cuGetErrorName writes a pointer to a static string into its argument. */
    static String errorName(int status) {
        try (PointerPointer<BytePointer> out = new PointerPointer<>(1)) {
            if (cudart.cuGetErrorName(status, out) == CUDA_SUCCESS) {
                return name(out.get(BytePointer.class, 0), status);
            }
        } catch (RuntimeException e) {
            // fall through to the bare number
        }
        return "error " + status;
    }

    private static String name(BytePointer s, int status) {
        if (s == null || s.isNull()) {
            return "error " + status;
        }
        return s.getString(StandardCharsets.UTF_8) + " (" + status + ")";
    }

    /** "64 MiB" or "1.5 KiB": sizes in messages. */
    static String bytes(long n) {
        if (n >= 1L << 20) {
            return String.format("%.4g MiB", n / (double) (1L << 20)).replaceAll("\\.?0+ ", " ");
        }
        return n >= 1024 ? String.format("%.4g KiB", n / 1024.0).replaceAll("\\.?0+ ", " ") : n + " B";
    }

    /** A float pointer at a device address, for cuBLAS; it owns nothing. */
    static FloatPointer deviceFloats(long address) {
        return new DeviceFloats(address);
    }

    /** A bare pointer at a host or device address; it owns nothing. */
    static Pointer at(long address) {
        return new Address(address);
    }

    private static final class DeviceFloats extends FloatPointer {
        DeviceFloats(long address) {
            super((Pointer) null);
            this.address = address;
        }
    }

    private static final class Address extends Pointer {
        Address(long address) {
            this.address = address;
        }
    }
}
